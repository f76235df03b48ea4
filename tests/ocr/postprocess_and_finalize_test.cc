// Node paddleocr.postprocess_and_finalize: per-frame readings in perform_ocr's format become the SRT and JSON
// of their events, a crop read again gets its readings' vote; nothing read gives empty files; input that is
// not OCR results is refused.
#include <gtest/gtest.h>

#include <fstream>

#include "core/files.h"
#include "support/node_test.h"

namespace yv::test {
namespace {
using nlohmann::json;

class PostprocessAndFinalizeTest : public NodeTest {
 protected:
  PostprocessAndFinalizeTest() : NodeTest("paddleocr.postprocess_and_finalize", "yivideo-finalize") {}

  // Frames first..last (inclusive, 25 fps) reading `lines`, each a row of its own (45 pixels apart).
  void add(int first, int last, const std::vector<std::string>& lines, double confidence = 0.98) {
    json read = json::array();
    for (size_t k = 0; k < lines.size(); ++k) {
      const int y = 600 + 45 * int(k);
      read.push_back({{"text", lines[k]}, {"confidence", confidence}, {"box", {400, y, 880, y + 44}}});
    }
    add_read(first, last, read);
  }
  void add_read(int first, int last, const json& read) {
    for (int i = first; i <= last; ++i) {
      frames_.push_back({{"index", i}, {"start", i / 25.0}, {"end", (i + 1) / 25.0}, {"lines", read}});
    }
  }
  std::string results() {
    const auto path = dir_ / "ocr_results.json";
    write_file_atomically(path, json{{"fps", 25}, {"frames", frames_}}.dump());
    return path.string();
  }
  json frames_ = json::array();
};

TEST_F(PostprocessAndFinalizeTest, EventsBecomeSrtAndJson) {
  add(0, 11, {});
  add(12, 61, {"今天天气很好，我们去公园散步吧"});
  add(62, 73, {});
  add(74, 123, {"这是第一行字幕", "这是第二行字幕"});
  add(124, 125, {"噪点"}, 0.3);  // flicker
  const json out = run({{"ocr_results_path", results()}, {"video_path", "/videos/drama.mp4"}});
  EXPECT_EQ(out["subtitles_count"], 2);
  EXPECT_TRUE(out["srt_file"].get<std::string>().ends_with("drama.srt"));
  EXPECT_EQ(read_file(out["srt_file"]),
            "1\n00:00:00,480 --> 00:00:02,480\n今天天气很好，我们去公园散步吧\n\n"
            "2\n00:00:02,960 --> 00:00:04,960\n这是第一行字幕\n这是第二行字幕\n\n");
  const json events = json::parse(read_file(out["json_file"]));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_DOUBLE_EQ(events[1]["start"].get<double>(), 74 / 25.0);
  EXPECT_EQ(events[1]["text"], "这是第一行字幕\n这是第二行字幕");
}

TEST_F(PostprocessAndFinalizeTest, PiecesOfARowAreJoinedOnceFlickerIsDropped) {
  add_read(0, 30,
           {{{"text", "他说："}, {"confidence", 0.99}, {"box", {477, 635, 581, 690}}},
            {{"text", "照照"}, {"confidence", 0.13}, {"box", {600, 640, 640, 660}}},  // background, same row
            {{"text", "“明天见！”"}, {"confidence", 0.97}, {"box", {601, 639, 783, 685}}}});
  const json out = run({{"ocr_results_path", results()}});
  EXPECT_EQ(read_file(out["srt_file"]), "1\n00:00:00,000 --> 00:00:01,240\n他说：“明天见！”\n\n");
  frames_ = json::array();
  add_read(0, 30,
           {{{"text", "Hello,"}, {"confidence", 0.99}, {"box", {300, 640, 420, 690}}},
            {{"text", "world!"}, {"confidence", 0.97}, {"box", {470, 641, 600, 689}}},
            {{"text", "你好"}, {"confidence", 0.97}, {"box", {620, 641, 700, 689}}}});
  EXPECT_EQ(read_file(run({{"ocr_results_path", results()}})["srt_file"]),
            "1\n00:00:00,000 --> 00:00:01,240\nHello, world!你好\n\n");
}

// A subtitle's one crop read a patch of moving background as a line of its own; its two rereads (other
// frames of the same text) did not, and the vote drops it.
TEST_F(PostprocessAndFinalizeTest, ACropsRereadsOutvoteItsSlip) {
  const json subtitle = {
      {"text", "Hello, world! 你好，世界！"}, {"confidence", 0.99}, {"box", {360, 640, 920, 690}}};
  add_read(0, 0, {{{"text", "07"}, {"confidence", 0.91}, {"box", {600, 580, 640, 610}}}, subtitle});
  frames_[0]["end"] = 2.0;
  frames_[0]["rereads"] = {{{"index", 25}, {"lines", {subtitle}}}, {{"index", 49}, {"lines", {subtitle}}}};
  const json out = run({{"ocr_results_path", results()}});
  EXPECT_EQ(read_file(out["srt_file"]), "1\n00:00:00,000 --> 00:00:02,000\nHello, world! 你好，世界！\n\n");
  frames_[0]["rereads"] = 3;
  EXPECT_EQ(error_code({{"ocr_results_path", results()}}), "invalid_input");
}

TEST_F(PostprocessAndFinalizeTest, NothingReadGivesEmptyFiles) {
  add(0, 250, {});
  const json out = run({{"ocr_results_path", results()}});
  EXPECT_EQ(out["subtitles_count"], 0);
  EXPECT_EQ(read_file(out["srt_file"]), "");
  EXPECT_EQ(json::parse(read_file(out["json_file"])), json::array());
}

TEST_F(PostprocessAndFinalizeTest, InputThatIsNotOcrResultsIsRefused) {
  const auto path = (dir_ / "x.json").string();
  for (
      const char* content :
      {"not json", "[]", R"({"frames": [{"start": 0}]})",
       R"({"frames": [{"start": 0, "end": 1, "lines": [{"text": 5, "confidence": 1, "box": [0, 0, 1, 1]}]}]})",
       R"({"frames": [{"start": 0, "end": 1, "lines": [{"text": "a", "confidence": 1}]}]})"}) {
    std::ofstream(path) << content;
    EXPECT_EQ(error_code({{"ocr_results_path", path}}), "invalid_input") << content;
  }
  EXPECT_EQ(error_code({{"ocr_results_path", (dir_ / "missing.json").string()}}), "file_not_found");
}

}  // namespace
}  // namespace yv::test

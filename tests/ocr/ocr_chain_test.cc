// The six hard-subtitle nodes chained as a workflow runs them (each stage's outputs are the next one's
// inputs) on videos with subtitles burnt in by tools/ocr_fixture.py, judged against the SRT that was burnt
// in: character error rate, events found, start and end within 2 frames; a video without subtitles gives
// none. The videos are synthetic backgrounds and real footage (tests/data/video), the text burnt in by
// libass.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/files.h"
#include "core/wer.h"
#include "ocr/ocr_media.h"
#include "support/node_test.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

struct Event {
  double start, end;
  std::string text;
};

double srt_seconds(const std::string& t) {  // HH:MM:SS,mmm
  return std::stoi(t.substr(0, 2)) * 3600 + std::stoi(t.substr(3, 2)) * 60 + std::stoi(t.substr(6, 2)) +
         std::stoi(t.substr(9, 3)) / 1000.0;
}

std::vector<Event> read_srt(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<Event> events;
  for (std::string number, times; std::getline(in, number) && std::getline(in, times);) {
    Event e{srt_seconds(times.substr(0, 12)), srt_seconds(times.substr(17, 12)), ""};
    for (std::string line; std::getline(in, line) && !line.empty();)
      e.text += (e.text.empty() ? "" : "\n") + line;
    events.push_back(e);
  }
  return events;
}

class OcrChainTest : public NodeTest {
 protected:
  OcrChainTest() : NodeTest("paddleocr.postprocess_and_finalize", "yivideo-ocr-chain") {}

  // Runs `node` with `given` plus every output of the earlier stages (the workflow's upstream fallback).
  json stage(const std::string& node, json given) {
    for (auto& [key, value] : outputs_.items()) {
      if (!given.contains(key) && has_param(node, key)) given[key] = value;
    }
    const json out = run_node(nodes_, node, given, dir_ / node);
    outputs_.update(out);
    return out;
  }
  bool has_param(const std::string& node, const std::string& name) {
    const auto& params = nodes_.get(node).params;
    return std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.name == name; });
  }
  json chain(const std::string& video) {
    outputs_ = {{"video_path", video}};
    stage("ffmpeg.extract_keyframes", {{"keyframe_sample_count", 20}});
    stage("paddleocr.detect_subtitle_area", json::object());
    stage("ffmpeg.crop_subtitle_images", json::object());
    stage("paddleocr.create_stitched_images", json::object());
    stage("paddleocr.perform_ocr", json::object());
    return stage("paddleocr.postprocess_and_finalize", json::object());
  }
  // Runs the chain on `name`.mp4 and checks it against `name`.srt: CER within 2%, at least 98% of the events
  // found within 2 frames of their start and end, and nothing else (logos, title cards and signs are not
  // subtitles).
  void expect_subtitles_found(const std::string& name, double fps) {
    const json out = chain(ocr_media(name + ".mp4"));
    const auto reference = read_srt(ocr_media(name + ".srt"));
    const auto found = read_srt(out["srt_file"]);
    std::string all_reference, all_found;
    for (const auto& e : reference) all_reference += e.text + "\n";
    for (const auto& e : found) all_found += e.text + "\n";
    const auto cer = character_error_rate(all_reference, all_found);
    EXPECT_LE(cer.rate, 0.02) << name << "\n" << all_found;
    int matched = 0;
    for (const auto& r : reference) {
      for (const auto& f : found) {
        if (character_error_rate(r.text, f.text).rate > 0.1) continue;
        EXPECT_NEAR(f.start, r.start, 2 / fps + 1e-3) << name << ": " << r.text;
        EXPECT_NEAR(f.end, r.end, 2 / fps + 1e-3) << name << ": " << r.text;
        ++matched;
        break;
      }
    }
    EXPECT_GE(matched, int(reference.size() * 98 / 100)) << name << "\n" << all_found;
    EXPECT_EQ(found.size(), reference.size()) << name << "\n" << all_found;
    EXPECT_EQ(out["subtitles_count"], found.size());
  }
  json outputs_;
};

TEST_F(OcrChainTest, BurntInSubtitlesComeBackWithTheirTextAndFrameExactTimes) {
  expect_subtitles_found("subs", 25);
  expect_subtitles_found("logo", 25);
}

// Real footage (tests/data/video): a cartoon's sky and trees behind Chinese, and a street with runners and
// signs behind English in two lines.
TEST_F(OcrChainTest, SubtitlesOverRealFootageComeBackWithTheirTextAndTimes) {
  expect_subtitles_found("real_bbb_8s", 30);
  expect_subtitles_found("real_openshot_run_5s", 30000 / 1001.0);
}

// The same footage with its subtitles at the top of the frame, and as vertical subtitles (a column of upright
// characters near the right edge, as Chinese dramas and short videos show them): the chain finds which.
TEST_F(OcrChainTest, TopAndVerticalSubtitlesOverRealFootageComeBackWithTheirTextAndTimes) {
  expect_subtitles_found("real_bbb_8s_top", 30);
  EXPECT_EQ(outputs_["orientation"], "horizontal");
  expect_subtitles_found("real_bbb_8s_vertical", 30);
  EXPECT_EQ(outputs_["orientation"], "vertical");
}

TEST_F(OcrChainTest, AVideoWithoutSubtitlesGivesAnEmptySrt) {
  const json out = chain(ocr_media("nosubs.mp4"));
  EXPECT_EQ(out["subtitles_count"], 0);
  EXPECT_EQ(read_file(out["srt_file"]), "");
}

TEST_F(OcrChainTest, PerformOcrRefusesWhatIsNotAManifest) {
  std::ofstream(dir_ / "manifest.json") << R"({"images": [{"file": 3}]})";
  nlohmann::json given = {{"manifest_path", (dir_ / "manifest.json").string()},
                          {"multi_frames_path", dir_.string()}};
  node_ = "paddleocr.perform_ocr";
  EXPECT_EQ(error_code(given), "invalid_input");
}

}  // namespace
}  // namespace yv::test

// Finding the subtitle band: from boxes (find_subtitle_area) and from real keyframes through the detector
// (paddleocr.detect_subtitle_area): subtitles win over a station logo, a title card and the test pattern's
// clock; a video without subtitles says so.
#include <gtest/gtest.h>

#include <filesystem>

#include "nodes/paddleocr/subtitle_area.h"
#include "ocr/ocr_media.h"
#include "support/node_test.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using paddleocr::find_subtitle_area;

const cv::Size kFrame(1280, 720);

TEST(FindSubtitleArea, TheCentredBandThatRecursLowWins) {
  std::vector<std::vector<cv::Rect>> boxes;
  for (int i = 0; i < 20; ++i) {
    std::vector<cv::Rect> frame = {{20, 30, 130, 36}};                 // a logo in the corner, always there
    if (i < 3) frame.push_back({490, 330, 300, 72});                   // a title card in the first frames
    if (i % 5 != 4) frame.push_back({400 + i, 645, 480 - 2 * i, 47});  // subtitles, most frames
    if (i % 5 == 0) frame.push_back({530, 600, 220, 55});              // sometimes a second line above
    boxes.push_back(frame);
  }
  const auto area = find_subtitle_area(boxes, kFrame);
  EXPECT_TRUE(area.found);
  EXPECT_EQ(area.area.x, 0);
  EXPECT_EQ(area.area.width, 1280);
  EXPECT_LE(area.area.y, 600);  // both lines
  EXPECT_GE(area.area.br().y, 692);
  EXPECT_GT(area.area.y, 402);  // not the title card
  EXPECT_LE(area.area.br().y, kFrame.height);
}

TEST(FindSubtitleArea, NoCentredTextOrOneStrayDetectionGivesTheBottomQuarterNotFound) {
  const auto none = find_subtitle_area({{}, {}, {{10, 10, 90, 20}}, {{600, 600, 80, 20}}}, kFrame);
  EXPECT_FALSE(none.found);
  EXPECT_EQ(none.area, cv::Rect(0, 540, 1280, 180));
  EXPECT_FALSE(find_subtitle_area({}, kFrame).found);
}

class DetectSubtitleAreaTest : public NodeTest {
 protected:
  DetectSubtitleAreaTest() : NodeTest("paddleocr.detect_subtitle_area", "yivideo-area") {}
  // The keyframes of `video`, extracted by the keyframe node into this test's folder.
  std::string keyframes_of(const std::string& video, int count) {
    return run_node(nodes_, "ffmpeg.extract_keyframes",
                    {{"video_path", video}, {"keyframe_sample_count", count}},
                    dir_ / fs::path(video).stem())["keyframe_dir"];
  }
};

TEST_F(DetectSubtitleAreaTest, FindsTheBurntInSubtitlesBand) {
  for (const char* video : {"subs.mp4", "logo.mp4"}) {
    const json out = run({{"keyframe_dir", keyframes_of(ocr_media(video), 16)}});
    const auto a = out["subtitle_area"];
    EXPECT_TRUE(out["subtitle_area_found"].get<bool>()) << video;
    // tools/ocr_fixture.py's subtitles sit between rows 600 (top of a second line) and 693.
    EXPECT_EQ(a, json({0, a[1], 1280, a[3]})) << video;
    EXPECT_LE(a[1].get<int>(), 600) << video;
    EXPECT_GE(a[3].get<int>(), 693) << video;
    EXPECT_GE(a[1].get<int>(), 500) << video << ": the title card (rows 330-402) is not in";
  }
}

TEST_F(DetectSubtitleAreaTest, AVideoWithoutSubtitlesSaysSo) {
  const json out = run({{"keyframe_dir", keyframes_of(ocr_media("nosubs.mp4"), 10)}});
  EXPECT_FALSE(out["subtitle_area_found"].get<bool>());
  EXPECT_EQ(out["subtitle_area"], json({0, 540, 1280, 720}));
}

TEST_F(DetectSubtitleAreaTest, EmptyOrMissingKeyframeFoldersAreRefused) {
  fs::create_directories(dir_ / "empty");
  EXPECT_EQ(error_code({{"keyframe_dir", (dir_ / "empty").string()}}), "no_keyframes");
  EXPECT_EQ(error_code({{"keyframe_dir", (dir_ / "missing").string()}}), "file_not_found");
}

}  // namespace
}  // namespace yv::test

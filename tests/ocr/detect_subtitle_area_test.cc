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

TEST(FindSubtitleArea, AColumnOfTallBoxesNearAnEdgeIsAVerticalBand) {
  std::vector<std::vector<cv::Rect>> boxes;
  for (int i = 0; i < 20; ++i) {
    std::vector<cv::Rect> frame = {{20, 30, 130, 36}};                  // a logo in the corner, always there
    if (i < 3) frame.push_back({490, 330, 300, 72});                    // a title card in the first frames
    if (i % 5 != 4) frame.push_back({1180, 150 + i, 40, 380 - 2 * i});  // vertical subtitles, most frames
    boxes.push_back(frame);
  }
  const auto area = find_subtitle_area(boxes, kFrame);
  EXPECT_TRUE(area.found);
  EXPECT_EQ(area.orientation, paddleocr::Orientation::kVertical);
  EXPECT_EQ(area.area.y, 0);
  EXPECT_EQ(area.area.height, 720);
  EXPECT_LE(area.area.x, 1180);
  EXPECT_GE(area.area.br().x, 1220);
  EXPECT_GT(area.area.x, 1100);  // a column, not the frame
  EXPECT_LE(area.area.br().x, kFrame.width);
  // Forced horizontal, the band is across the frame, around the only centred text (the title card).
  const auto forced = find_subtitle_area(boxes, kFrame, paddleocr::Orientation::kHorizontal);
  EXPECT_EQ(forced.orientation, paddleocr::Orientation::kHorizontal);
  EXPECT_EQ(forced.area.width, 1280);
  EXPECT_LE(forced.area.y, 330);
  EXPECT_GE(forced.area.br().y, 402);
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

// Real footage (tests/data/video/bbb_8s.mp4, 1252x720) with the subtitles at the top, and as a column near
// the right edge: tools/ocr_fixture.py puts the column's characters (40 pixels high) at x 1182-1212.
TEST_F(DetectSubtitleAreaTest, FindsTopAndVerticalSubtitles) {
  const json top = run({{"keyframe_dir", keyframes_of(ocr_media("real_bbb_8s_top.mp4"), 16)}});
  EXPECT_TRUE(top["subtitle_area_found"].get<bool>());
  EXPECT_EQ(top["orientation"], "horizontal");
  EXPECT_EQ(top["subtitle_area"][0], 0);
  EXPECT_LE(top["subtitle_area"][1].get<int>(), 30);
  EXPECT_LE(top["subtitle_area"][3].get<int>(), 150);
  const std::string keyframes = keyframes_of(ocr_media("real_bbb_8s_vertical.mp4"), 16);
  const json vertical = run({{"keyframe_dir", keyframes}});
  EXPECT_TRUE(vertical["subtitle_area_found"].get<bool>());
  EXPECT_EQ(vertical["orientation"], "vertical");
  const auto a = vertical["subtitle_area"];
  EXPECT_EQ(a, json({a[0], 0, a[2], 720}));
  EXPECT_LE(a[0].get<int>(), 1182);
  EXPECT_GE(a[0].get<int>(), 1100);
  EXPECT_GE(a[2].get<int>(), 1212);
  const json forced = run({{"keyframe_dir", keyframes}, {"orientation", "horizontal"}});
  EXPECT_EQ(forced["orientation"], "horizontal");
  EXPECT_EQ(forced["subtitle_area"][0], 0);
  EXPECT_EQ(forced["subtitle_area"][2], 1252);
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

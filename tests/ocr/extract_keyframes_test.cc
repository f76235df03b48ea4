// Node ffmpeg.extract_keyframes: evenly spaced frames, found by seeking, written as JPEG files that hold the
// same picture; broken inputs give their own errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "media/video_frames.h"
#include "ocr/ocr_media.h"
#include "support/node_test.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class ExtractKeyframesTest : public NodeTest {
 protected:
  ExtractKeyframesTest() : NodeTest("ffmpeg.extract_keyframes", "yivideo-keyframes") {}
};

// Mean absolute difference of two pictures of the same size, per byte.
double mean_difference(const media::VideoFrame& a, const media::VideoFrame& b) {
  double sum = 0;
  for (size_t i = 0; i < a.bgr.size(); ++i) sum += std::abs(int(a.bgr[i]) - int(b.bgr[i]));
  return sum / double(a.bgr.size());
}

TEST_F(ExtractKeyframesTest, EvenlySpacedFramesHoldThePictureShownThen) {
  const json out = run({{"video_path", ocr_media("subs.mp4")}, {"keyframe_sample_count", 8}});
  const auto files = out["keyframe_files"];
  ASSERT_EQ(files.size(), 8u);
  media::VideoReader video(ocr_media("subs.mp4"));
  const double duration = video.info().duration;  // 20 s at 25 fps
  ASSERT_NEAR(duration, 20.0, 0.05);
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string file = files[i];
    EXPECT_EQ(fs::path(file).parent_path(), fs::path(out["keyframe_dir"].get<std::string>()));
    // Sample i is the middle of the i-th of 8 equal spans, and its name carries its frame number.
    const auto index = std::lround((i + 0.5) * duration / 8 * 25);
    char name[32];
    std::snprintf(name, sizeof name, "keyframe_%06ld.jpg", index);
    EXPECT_EQ(fs::path(file).filename(), name);
    media::VideoFrame expected, written;
    ASSERT_TRUE(video.frame_at(double(index) / 25, expected));
    EXPECT_EQ(expected.index, index);
    written = load_picture(file);
    ASSERT_EQ(written.width, 1280);
    ASSERT_EQ(written.height, 720);
    // JPEG at quantiser 2 without chroma subsampling keeps the picture within a few levels; a frame 10 s
    // away in this moving, noisy video differs far more.
    EXPECT_LT(mean_difference(expected, written), 2.5) << file;
    media::VideoFrame other;
    ASSERT_TRUE(video.frame_at(double((index + 250) % 500) / 25, other));
    EXPECT_GT(mean_difference(other, written), 10.0) << file;
  }
  EXPECT_DOUBLE_EQ(progress_.back(), 1.0);
}

TEST_F(ExtractKeyframesTest, AVideoShorterThanTheCountGivesEachFrameOnce) {
  const json out = run({{"video_path", ocr_media("short.mp4")}, {"keyframe_sample_count", 120}});
  EXPECT_EQ(out["keyframe_files"].size(), 50u);  // 2 s at 25 fps
  EXPECT_EQ(std::distance(fs::directory_iterator(out["keyframe_dir"].get<std::string>()), {}), 50);
}

// A stage run again in the same folder (a retry) leaves only its own keyframes: the area finder reads them
// all.
TEST_F(ExtractKeyframesTest, ARunAgainInTheSameFolderLeavesOnlyItsOwnKeyframes) {
  run({{"video_path", ocr_media("subs.mp4")}, {"keyframe_sample_count", 120}});
  const json out = run({{"video_path", ocr_media("short.mp4")}, {"keyframe_sample_count", 120}});
  EXPECT_EQ(std::distance(fs::directory_iterator(out["keyframe_dir"].get<std::string>()), {}), 50);
}

TEST_F(ExtractKeyframesTest, BrokenInputsGiveTheirOwnErrors) {
  const std::string garbage = (dir_ / "garbage.mp4").string();
  {
    std::ofstream out(garbage, std::ios::binary);
    for (int i = 0; i < 100000; ++i) out.put(char((i * 7919 + 13) % 251));
  }
  EXPECT_EQ(error_code({{"video_path", ocr_media("audio_only.m4a")}}), "no_video_stream");
  EXPECT_EQ(error_code({{"video_path", garbage}}), "invalid_media");
  EXPECT_EQ(error_code({{"video_path", (dir_ / "missing.mp4").string()}}), "file_not_found");
  EXPECT_EQ(error_code({{"video_path", ocr_media("subs.mp4")}, {"keyframe_sample_count", 0}}),
            "invalid_parameter");
}

}  // namespace
}  // namespace yv::test

// Nodes ffmpeg.crop_subtitle_images and paddleocr.create_stitched_images on burnt-in subtitle videos: the
// crops are the frames' band pixel for pixel, a crop is taken where the text changes (not where the
// background moves), a subtitle is read again from other frames, repeated pictures are written once with
// their time kept, the stitched images hold the crops where the manifest says; broken inputs give their own
// errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/files.h"
#include "media/video_frames.h"
#include "ocr/ocr_media.h"
#include "support/node_test.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// The rows [y1, y2) of a frame, packed.
std::vector<uint8_t> band(const media::VideoFrame& f, int y1, int y2) {
  return {f.bgr.begin() + ptrdiff_t(y1) * f.width * 3, f.bgr.begin() + ptrdiff_t(y2) * f.width * 3};
}

class CropSubtitleImagesTest : public NodeTest {
 protected:
  CropSubtitleImagesTest() : NodeTest("ffmpeg.crop_subtitle_images", "yivideo-crop") {}
  json crops_of(const json& out) {
    return json::parse(read_file(fs::path(out["cropped_images_path"].get<std::string>()) / "crops.json"));
  }
};

// short.mp4 is a moving background without subtitles: no frame repeats the last, none holds outlined text,
// so a crop is taken every 0.2 s (kStrokelessSeconds), each the frame's band pixel for pixel.
TEST_F(CropSubtitleImagesTest, AMovingVideoWithoutSubtitlesIsCroppedFiveTimesASecondExactly) {
  const json out = run({{"video_path", ocr_media("short.mp4")}, {"subtitle_area", {0, 560, 1280, 720}}});
  const json crops = crops_of(out);
  ASSERT_EQ(out["cropped_images_files_count"], 10);  // 2 s at 25 fps, a crop every 5 frames
  EXPECT_DOUBLE_EQ(crops["fps"].get<double>(), 25.0);
  media::VideoReader video(ocr_media("short.mp4"));
  for (int i : {0, 3, 9}) {
    const auto& c = crops["crops"][size_t(i)];
    EXPECT_EQ(c["index"], 5 * i);
    EXPECT_NEAR(c["start"].get<double>(), 5 * i / 25.0, 1e-6);
    EXPECT_NEAR(c["end"].get<double>(), (5 * i + 5) / 25.0, 1e-6);
    media::VideoFrame frame;
    ASSERT_TRUE(video.frame_at(5 * i / 25.0, frame));
    const media::VideoFrame crop =
        load_picture(fs::path(out["cropped_images_path"].get<std::string>()) / c["file"]);
    ASSERT_EQ(crop.width, 1280);
    ASSERT_EQ(crop.height, 160);
    EXPECT_EQ(crop.bgr, band(frame, 560, 720)) << "PNG is lossless";
  }
}

// subs.mp4's background moves in every frame under its subtitles: a crop is taken where the text changes
// (each subtitle's first frame, and the first frame after it), not for every frame.
TEST_F(CropSubtitleImagesTest, ACropStartsWhereTheTextChangesNotWhereTheBackgroundMoves) {
  const json out = run({{"video_path", ocr_media("subs.mp4")}, {"subtitle_area", {0, 560, 1280, 720}}});
  const json crops = crops_of(out)["crops"];
  std::set<int> starts;
  for (const auto& c : crops) starts.insert(c["index"].get<int>());
  const std::string srt = read_file(ocr_media("subs.srt"));
  int events = 0;
  for (size_t at = srt.find(" --> "); at != std::string::npos; at = srt.find(" --> ", at + 1), ++events) {
    for (const std::string& t : {srt.substr(at - 12, 12), srt.substr(at + 5, 12)}) {
      const int ms = std::stoi(t.substr(0, 2)) * 3600000 + std::stoi(t.substr(3, 2)) * 60000 +
                     std::stoi(t.substr(6, 2)) * 1000 + std::stoi(t.substr(9, 3));
      EXPECT_TRUE(starts.count(ms * 25 / 1000)) << t;
    }
  }
  EXPECT_GT(events, 5);
  // 500 frames; per subtitle and the gap after it, a crop for the text, one for the gap's start and one
  // every 0.2 s of the gap, and an encoder's settling frame or two.
  EXPECT_LE(crops.size(), size_t(events) * 6) << crops.dump();
}

// Each subtitle of subs.mp4 (2 s over a moving background) is one crop, read again from its middle and last
// frames: the rereads are frames of the crop's own span, written as they are, and not taken for the gaps
// between subtitles.
TEST_F(CropSubtitleImagesTest, ASubtitleIsReadAgainFromItsMiddleAndLastFrames) {
  const json out = run({{"video_path", ocr_media("subs.mp4")}, {"subtitle_area", {0, 560, 1280, 720}}});
  const json crops = crops_of(out)["crops"];
  const fs::path dir = out["cropped_images_path"].get<std::string>();
  size_t files = crops.size(), reread = 0;
  media::VideoReader video(ocr_media("subs.mp4"));
  for (const auto& c : crops) {
    if (!c.contains("rereads")) continue;
    ASSERT_EQ(c["rereads"].size(), 2u) << c.dump();
    files += 2;
    ++reread;
    const int first = c["index"], last = int(std::lround(c["end"].get<double>() * 25)) - 1;
    EXPECT_NEAR(c["rereads"][0]["index"].get<int>(), (first + last) / 2, 2) << c.dump();
    EXPECT_EQ(c["rereads"][1]["index"], last) << c.dump();
    media::VideoFrame frame;
    ASSERT_TRUE(video.frame_at(last / 25.0, frame));
    EXPECT_EQ(load_picture(dir / c["rereads"][1]["file"]).bgr, band(frame, 560, 720));
  }
  EXPECT_EQ(reread, 8u) << "the 8 subtitles, 50 frames each";
  EXPECT_EQ(out["cropped_images_files_count"], files);
}

TEST_F(CropSubtitleImagesTest, RepeatedPicturesAreWrittenOnceAndKeepTheirTime) {
  const json out = run({{"video_path", ocr_media("still.mp4")}, {"subtitle_area", {0, 560, 1280, 720}}});
  const json crops = crops_of(out)["crops"];
  // 6 s of a still colour with three subtitles: a handful of pictures, each written once (an encoder's
  // first frames after a change may settle in a step or two).
  EXPECT_GE(crops.size(), 5u);
  EXPECT_LE(crops.size(), 15u);
  EXPECT_EQ(out["cropped_images_files_count"], crops.size());
  double end = 0;
  for (const auto& c : crops) {
    EXPECT_NEAR(c["start"].get<double>(), end, 1e-6) << c.dump();  // the spans tile the video
    end = c["end"];
  }
  EXPECT_NEAR(end, 6.0, 1e-6);
  // A crop starts at each subtitle's first frame (still.srt), also where one character changes (frame 37).
  for (int first : {12, 37, 62, 74, 124}) {
    EXPECT_TRUE(std::any_of(crops.begin(), crops.end(), [&](const json& c) { return c["index"] == first; }))
        << first;
  }
}

TEST_F(CropSubtitleImagesTest, SampleFpsTakesTheFirstFrameOfEachStep) {
  const json out = run(
      {{"video_path", ocr_media("short.mp4")}, {"subtitle_area", {0, 560, 1280, 720}}, {"sample_fps", 5}});
  const json crops = crops_of(out)["crops"];
  ASSERT_EQ(crops.size(), 10u);
  for (size_t i = 0; i < crops.size(); ++i) {
    EXPECT_EQ(crops[i]["index"], 5 * i);
    EXPECT_NEAR(crops[i]["end"].get<double>() - crops[i]["start"].get<double>(), 0.2, 1e-6);
  }
}

TEST_F(CropSubtitleImagesTest, BrokenInputsGiveTheirOwnErrors) {
  const json area = {0, 560, 1280, 720};
  EXPECT_EQ(error_code({{"video_path", ocr_media("short.mp4")}, {"subtitle_area", {0, 600, 1281, 720}}}),
            "invalid_parameter");  // outside the 1280x720 frame
  EXPECT_EQ(error_code({{"video_path", ocr_media("short.mp4")}, {"subtitle_area", {0, 700, 1280, 600}}}),
            "invalid_parameter");
  EXPECT_EQ(error_code({{"video_path", ocr_media("short.mp4")}, {"subtitle_area", {0, 1, 2}}}),
            "invalid_parameter");
  EXPECT_EQ(error_code({{"video_path", ocr_media("audio_only.m4a")}, {"subtitle_area", area}}),
            "no_video_stream");
  EXPECT_EQ(error_code({{"video_path", (dir_ / "missing.mp4").string()}, {"subtitle_area", area}}),
            "file_not_found");
  EXPECT_FALSE(fs::exists(dir_ / "crops" / "crops.json"));
}

class CreateStitchedImagesTest : public NodeTest {
 protected:
  CreateStitchedImagesTest() : NodeTest("paddleocr.create_stitched_images", "yivideo-stitch") {}
};

TEST_F(CreateStitchedImagesTest, CropsAreWhereTheManifestSays) {
  // The crops come from the crop node itself, run in this test's folder.
  const json cropped = run_node(
      nodes_, "ffmpeg.crop_subtitle_images",
      {{"video_path", ocr_media("short.mp4")}, {"subtitle_area", {0, 560, 1280, 720}}, {"sample_fps", 5}},
      dir_);
  const json out = run({{"cropped_images_path", cropped["cropped_images_path"]}, {"batch_size", 4}});
  EXPECT_EQ(out["stitched_images_count"], 3);  // 10 crops, 4 a batch
  const json manifest = json::parse(read_file(out["manifest_path"].get<std::string>()));
  ASSERT_EQ(manifest["images"].size(), 3u);
  EXPECT_EQ(manifest["subtitle_area"], json({0, 560, 1280, 720}));
  const auto& second = manifest["images"][1];
  const media::VideoFrame stitched =
      load_picture(fs::path(out["multi_frames_path"].get<std::string>()) / second["file"]);
  EXPECT_EQ(stitched.width, 1280);
  EXPECT_EQ(stitched.height, 4 * 160 + 3 * 40);  // gaps of a quarter crop
  const fs::path crop_dir = cropped["cropped_images_path"].get<std::string>();
  for (const auto& c : second["crops"]) {
    const int y = c["y"];
    EXPECT_EQ(c["height"], 160);
    char name[32];
    std::snprintf(name, sizeof name, "crop_%06d.png", c["index"].get<int>());
    EXPECT_EQ(band(stitched, y, y + 160), load_picture(crop_dir / name).bgr) << c.dump();
  }
  EXPECT_EQ(second["crops"][0]["index"], 20);  // the fifth crop: frame 20
}

// Vertical subtitles' crops, tall and narrow, go side by side, left to right, and the manifest says so.
TEST_F(CreateStitchedImagesTest, VerticalCropsAreSideBySide) {
  const json cropped = run_node(nodes_, "ffmpeg.crop_subtitle_images",
                                {{"video_path", ocr_media("short.mp4")},
                                 {"subtitle_area", {1180, 0, 1280, 720}},
                                 {"sample_fps", 2},
                                 {"orientation", "vertical"}},
                                dir_);
  const json out = run({{"cropped_images_path", cropped["cropped_images_path"]}, {"batch_size", 3}});
  const json manifest = json::parse(read_file(out["manifest_path"].get<std::string>()));
  EXPECT_EQ(manifest["orientation"], "vertical");
  const auto& first = manifest["images"][0];
  ASSERT_EQ(first["crops"].size(), 3u);
  const media::VideoFrame stitched =
      load_picture(fs::path(out["multi_frames_path"].get<std::string>()) / first["file"]);
  EXPECT_EQ(stitched.width, 3 * 100 + 2 * 25);  // gaps of a quarter crop width
  EXPECT_EQ(stitched.height, 720);
  const fs::path crop_dir = cropped["cropped_images_path"].get<std::string>();
  for (const auto& c : first["crops"]) {
    const int x = c["x"];
    EXPECT_EQ(c["y"], 0);
    EXPECT_EQ(c["width"], 100);
    char name[32];
    std::snprintf(name, sizeof name, "crop_%06d.png", c["index"].get<int>());
    const media::VideoFrame crop = load_picture(crop_dir / name);
    for (int row : {0, 359, 719}) {
      const auto* at = stitched.bgr.data() + (size_t(row) * size_t(stitched.width) + size_t(x)) * 3;
      EXPECT_EQ(std::vector<uint8_t>(at, at + 300),
                std::vector<uint8_t>(crop.bgr.begin() + row * 300, crop.bgr.begin() + (row + 1) * 300))
          << c.dump() << " row " << row;
    }
  }
}

TEST_F(CreateStitchedImagesTest, AFolderWithoutCropsIsRefused) {
  EXPECT_EQ(error_code({{"cropped_images_path", dir_.string()}}), "invalid_input");
  std::ofstream(dir_ / "crops.json") << "{\"crops\": 3}";
  EXPECT_EQ(error_code({{"cropped_images_path", dir_.string()}}), "invalid_input");
  std::ofstream(dir_ / "crops.json") << R"({"crops": [], "fps": 25, "frame_width": 1280, "frame_height": 720,
                                           "subtitle_area": [0, 0, 10, 10], "orientation": "diagonal"})";
  EXPECT_EQ(error_code({{"cropped_images_path", dir_.string()}}), "invalid_input");
}

}  // namespace
}  // namespace yv::test

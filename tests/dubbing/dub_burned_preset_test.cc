// Acceptance of the "dub_burned" preset (issue 21): the "dub" chain (dub_preset_test.cc) with the translation
// drawn into the picture at the end. On the same 1-minute English video (real speech over real footage) and
// the same live server with the local LLM, the burned MP4 is judged with tools independent of the code under
// test (ffprobe, ffmpeg's ebur128) and with our OCR reading the picture:
// - a playable MP4 whose picture is re-encoded as H.264, every frame of the input kept;
// - the dubbed MP4's audio tracks (the dub, default, then the original), packets copied and tags kept, so the
//   sound is what the dub preset's test checks on the unburned file, at -16 +- 1 LUFS;
// - its soft subtitles in both languages, the same cues;
// - in the middle of each translated cue, the bottom fifth of the picture differs from the unburned dub's and
//   the rest does not, and the text read there by OCR is the cue's.
// Spanish: the Latin script of the other languages; Chinese text in the picture is
// burn_subtitles_test's.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "core/wer.h"
#include "dubbing/burned_text.h"
#include "dubbing/dubbing_media.h"
#include "nodes/wservice/segments.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/local_llm.h"

namespace yv::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(DubBurnedPreset, TheTranslationIsDrawnIntoTheDubbedVideo) {
  LiveServer server("yivideo-dub-burned", {.env = local_llm_env()});
  fs::create_directories(server.bucket_dir() / "inputs");
  const fs::path video = server.bucket_dir() / "inputs" / "bbb_lj_60s.mp4";
  make_english_video(video);

  // libx264's veryfast preset: what is judged is where the text is drawn, not how well the picture
  // compresses, and the preset's medium doubles the burn on two shared cores.
  const json body = {{"video_path", "inputs/bbb_lj_60s.mp4"},
                     {"workflow_config", {{"preset", "dub_burned"}}},
                     {"target_language", "es"},
                     {"ffmpeg.burn_subtitles", {{"preset", "veryfast"}}}};
  const std::string id = server.post("/v1/workflows", body, 202)["workflow_id"];
  // The dub's minutes (see dub_preset_test.cc) and a minute of 720p re-encoded on two shared cores: 20
  // minutes in all when other builds loaded the machine (load 35).
  const json done = server.wait_settled("/v1/workflows/status/" + id, 1800);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  std::map<std::string, json> out;
  for (const auto& [key, stage] : done["stages"].items()) out[stage["task_name"]] = stage["output"];
  ASSERT_TRUE(out.count("ffmpeg.burn_subtitles")) << "the chain did not end with the burn";
  const std::string muxed = server.stored_file(out["ffmpeg.mux_video"]["muxed_video_path"]).string();
  const std::string burned = server.stored_file(out["ffmpeg.burn_subtitles"]["burned_video_path"]).string();

  // A playable MP4: the picture re-encoded, every frame kept.
  EXPECT_NE(probe(burned)["format"]["format_name"].get<std::string>().find("mp4"), std::string::npos);
  const auto pictures = streams_of(burned, "video");
  ASSERT_EQ(pictures.size(), 1u);
  EXPECT_EQ(pictures[0]["codec_name"], "h264");
  EXPECT_EQ(packet_hashes(burned, "v:0").size(), packet_hashes(video.string(), "v:0").size());
  EXPECT_NE(packet_hashes(burned, "v:0"), packet_hashes(video.string(), "v:0"));

  // The dub's sound as mux_video wrote it: both tracks copied, in order, with their tags.
  const auto audio = streams_of(burned, "audio"), dubbed_audio = streams_of(muxed, "audio");
  ASSERT_EQ(audio.size(), 2u);
  ASSERT_EQ(dubbed_audio.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const std::string selector = "a:" + std::to_string(i);
    EXPECT_EQ(packet_hashes(burned, selector), packet_hashes(muxed, selector)) << selector;
    EXPECT_EQ(audio[i]["tags"]["language"], dubbed_audio[i]["tags"]["language"]) << selector;
    EXPECT_EQ(audio[i]["disposition"]["default"], dubbed_audio[i]["disposition"]["default"]) << selector;
  }
  EXPECT_EQ(audio[0]["tags"]["language"], "spa");
  // The soft subtitles in both languages, as in the unburned dub.
  const auto subtitles = streams_of(burned, "subtitle"), dubbed_subtitles = streams_of(muxed, "subtitle");
  ASSERT_EQ(subtitles.size(), 2u);
  ASSERT_EQ(dubbed_subtitles.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const std::string selector = "s:" + std::to_string(i);
    EXPECT_EQ(subtitles[i]["tags"]["language"], dubbed_subtitles[i]["tags"]["language"]) << selector;
    EXPECT_EQ(subtitles_as_srt(burned, selector), subtitles_as_srt(muxed, selector)) << selector;
  }
  const double loudness = integrated_loudness(burned);
  EXPECT_NEAR(loudness, -16.0, 1.0);

  // The translation in the picture, cue by cue, against the dub's unburned picture at the same time.
  const auto cues =
      wservice::read_subtitle_file(
          server.stored_file(out["wservice.translate_subtitles"]["srt_path"]).string(), "the translation")
          .segments;
  ASSERT_FALSE(cues.empty());
  std::string drawn, read;
  for (const auto& cue : cues) {
    const double t = (cue.start + cue.end) / 2;
    const media::VideoFrame shown = frame(burned, t), plain = frame(muxed, t);
    const int h = shown.height, band = h * 4 / 5;
    const double text = difference(shown, plain, band, h), picture = difference(shown, plain, 0, band);
    const std::string seen = read_text_in(shown, band);
    std::printf("[dub_burned] %.1f s: band %.1f, picture above %.1f; cue: %s; read: %s\n", t, text, picture,
                cue.text.c_str(), seen.c_str());
    EXPECT_GT(text, 4 * picture) << "at " << t << " s";
    EXPECT_LT(picture, 3.0) << "at " << t << " s";
    drawn += cue.text + " ";
    read += seen + " ";
  }
  const auto cer = character_error_rate(drawn, read);
  std::printf("[dub_burned] %zu cues, OCR CER %.3f of %d characters; loudness %.2f LUFS\n", cues.size(),
              cer.rate, cer.reference_units, loudness);
  EXPECT_LE(cer.rate, 0.1);
}

}  // namespace
}  // namespace yv::test

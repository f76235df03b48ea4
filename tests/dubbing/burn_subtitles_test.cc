// ffmpeg.burn_subtitles on real footage (Big Buck Bunny with a dubbed track, tests/data/video) and Chinese
// subtitles: the picture changes where the text is drawn and only there, the text reads back, the audio
// stream is copied and the soft subtitles kept.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/wer.h"
#include "dubbing/burned_text.h"
#include "dubbing/dubbing_media.h"
#include "support/fixtures.h"
#include "support/node_test.h"

namespace yv::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class BurnSubtitles : public NodeTest {
 protected:
  BurnSubtitles() : NodeTest("ffmpeg.burn_subtitles", "yivideo-burn-subtitles") {}

  const std::string video_ = test_data("video/bbb_8s.mp4");
  const std::string chinese_ = test_data("video/bbb_8s.zh.srt");

  // Big Buck Bunny with an audio track (JFK's speech) and the cues as soft subtitles, as ffmpeg.mux_video
  // makes it.
  std::string with_audio() {
    return run_in(nodes_, "ffmpeg.mux_video",
                  {{"video_path", video_},
                   {"audio_tracks", json::array({{{"path", shared_fixture("jfk.wav")}}})},
                   {"subtitle_tracks", json::array({{{"path", chinese_}}})}},
                  dir_ / "mux")["muxed_video_path"];
  }
};

TEST_F(BurnSubtitles, TextIsDrawnInTheSubtitleAreaOnlyAndTheAudioAndSoftSubtitlesAreKept) {
  const std::string source = with_audio();
  const json out = run({{"muxed_video_path", source}, {"subtitle_path", chinese_}, {"preset", "veryfast"}});
  const std::string burned = out["burned_video_path"];
  EXPECT_EQ(out["audio_track_count"], 1);
  EXPECT_EQ(packet_hashes(burned, "a:0"), packet_hashes(source, "a:0")) << "the audio was changed";
  const auto video = streams_of(burned, "video");
  ASSERT_EQ(video.size(), 1u);
  EXPECT_EQ(video[0]["codec_name"], "h264");
  EXPECT_EQ(packet_hashes(burned, "v:0").size(), packet_hashes(video_, "v:0").size());  // every frame
  ASSERT_EQ(streams_of(burned, "subtitle").size(), 1u) << "the soft subtitles were dropped";
  EXPECT_EQ(subtitles_as_srt(burned, "s:0"), subtitles_as_srt(source, "s:0"));

  // While a cue shows (1.5 s) the bottom fifth differs from the original and the rest is only re-encoded;
  // between cues (4.9 s) nothing differs beyond encoding.
  const media::VideoFrame shown = frame(burned, 1.5), plain = frame(video_, 1.5);
  const int h = shown.height, band = h * 4 / 5;
  const double text = difference(shown, plain, band, h), picture = difference(shown, plain, 0, band);
  const media::VideoFrame gap = frame(burned, 4.9), gap_plain = frame(video_, 4.9);
  const double between = difference(gap, gap_plain, band, h);
  std::cout << "mean difference: subtitle band " << text << ", picture above " << picture
            << ", band between cues " << between << "\n";
  EXPECT_GT(text, 4 * picture);
  EXPECT_GT(text, 4 * between);
  EXPECT_LT(picture, 3.0);

  // The drawn Chinese reads back as the cues' text (CJK glyphs from Noto Sans CJK, not boxes).
  for (const auto& [t, cue] :
       {std::pair{1.5, "床前明月光，疑是地上霜。"}, std::pair{6.0, "白日依山尽，黄河入海流。"}}) {
    const std::string read = read_text_in(frame(burned, t), band);
    std::cout << t << " s: " << read << "\n";
    EXPECT_LE(character_error_rate(cue, read).rate, 0.1) << read;
  }
}

TEST_F(BurnSubtitles, BadInputIsRefusedAndNothingIsWritten) {
  EXPECT_EQ(error_code({{"video_path", shared_fixture("jfk.wav")}, {"subtitle_path", chinese_}}),
            "no_video_stream");
  EXPECT_EQ(error_code({{"video_path", video_}, {"subtitle_path", "/nonexistent.srt"}}), "file_not_found");
  EXPECT_EQ(error_code({{"video_path", video_}}), "missing_input");
  EXPECT_TRUE(fs::is_empty(dir_)) << "a refused burn left files";
}

}  // namespace
}  // namespace yv::test

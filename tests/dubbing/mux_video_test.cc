// ffmpeg.mux_video on real footage (Big Buck Bunny, tests/data/video) with a dubbed mix of real speech over
// real music and subtitles in two languages, judged by ffprobe: the video stream's packets are the
// original's bit for bit, the tracks carry their languages, and the subtitles read back as written.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/files.h"
#include "dubbing/dubbing_media.h"
#include "support/fixtures.h"
#include "support/node_test.h"

namespace yv::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class MuxVideo : public NodeTest {
 protected:
  MuxVideo() : NodeTest("ffmpeg.mux_video", "yivideo-mux-video") {}

  const std::string video_ = test_data("video/bbb_8s.mp4");
  const std::string chinese_ = test_data("video/bbb_8s.zh.srt");

  // A dubbed mix: JFK's speech fitted into 0.5-7.5 s over music, as WAV (which MP4 cannot hold as it is).
  std::string mix() {
    const json cue = {{"audio_path", shared_fixture("jfk.wav")}, {"start", 0.5}, {"end", 7.5}};
    const json fit = run_in(nodes_, "ffmpeg.fit_dubbing",
                            {{"tts_segments", json::array({cue})}, {"max_speed", 1.6}}, dir_ / "fit");
    return run_in(nodes_, "ffmpeg.mix_audio",
                  {{"dubbed_audio_path", fit["dubbed_audio_path"]},
                   {"background_audio_path", test_data("speech/none/music_macleod_vibe_ace.flac")}},
                  dir_ / "mix")["mixed_audio_path"];
  }

  // The English translation of the Chinese subtitles, as SRT.
  std::string english() {
    const auto path = dir_ / "bbb_8s.en.srt";
    write_file_atomically(
        path,
        "1\n00:00:00,500 --> 00:00:02,500\nMoonlight before my bed, like frost on the ground.\n\n"
        "2\n00:00:02,800 --> 00:00:04,800\nI look up at the moon, and down I think of home.\n\n"
        "3\n00:00:05,000 --> 00:00:07,500\nThe white sun sets behind the mountains.\n\n");
    return path.string();
  }

  json subtitles() {
    return json::array({{{"path", chinese_}, {"language", "zh"}, {"title", "中文"}},
                        {{"path", english()}, {"language", "en"}, {"title", "English"}}});
  }

  // The cue texts of an SRT, in order.
  static std::vector<std::string> texts(const std::string& srt) {
    std::vector<std::string> out;
    std::istringstream in(srt);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line.find("-->") != std::string::npos ||
          line.find_first_not_of("0123456789") == std::string::npos)
        continue;
      out.push_back(line);
    }
    return out;
  }

  void expect_copied_with_tracks(const json& out, const std::string& audio_codec,
                                 const std::string& subtitle_codec) {
    const std::string muxed = out["muxed_video_path"];
    EXPECT_EQ(packet_hashes(muxed, "v:0"), packet_hashes(video_, "v:0")) << "the video stream was changed";
    EXPECT_EQ(packet_hashes(muxed, "v:0").size(), 240u);  // 8 s at 30 fps
    const auto audio = streams_of(muxed, "audio");
    ASSERT_EQ(audio.size(), 1u);
    EXPECT_EQ(audio[0]["codec_name"], audio_codec);
    EXPECT_EQ(audio[0]["tags"]["language"], "zho");
    const auto subs = streams_of(muxed, "subtitle");
    ASSERT_EQ(subs.size(), 2u);
    EXPECT_EQ(subs[0]["codec_name"], subtitle_codec);
    EXPECT_EQ(subs[0]["tags"]["language"], "zho");
    EXPECT_EQ(subs[1]["tags"]["language"], "eng");
    EXPECT_EQ(texts(subtitles_as_srt(muxed, "s:0")), texts(read_file(chinese_)));
    EXPECT_EQ(texts(subtitles_as_srt(muxed, "s:1")), texts(read_file(dir_ / "bbb_8s.en.srt")));
    EXPECT_EQ(subtitles_as_srt(muxed, "s:0").substr(0, 34), read_file(chinese_).substr(0, 34));  // the timing
  }
};

TEST_F(MuxVideo, Mp4KeepsTheVideoStreamAndTagsEveryTrack) {
  const json out = run({{"video_path", video_},
                        {"mixed_audio_path", mix()},
                        {"audio_language", "zh"},
                        {"subtitle_tracks", subtitles()}});
  EXPECT_EQ(out["format"], "mp4");
  expect_copied_with_tracks(out, "aac", "mov_text");  // WAV's PCM encoded: MP4 cannot hold it
}

TEST_F(MuxVideo, MkvKeepsTheVideoStreamAndTagsEveryTrack) {
  const json out = run({{"video_path", video_},
                        {"mixed_audio_path", mix()},
                        {"audio_language", "zho"},
                        {"subtitle_tracks", subtitles()},
                        {"output_format", "mkv"}});
  EXPECT_EQ(probe(out["muxed_video_path"])["format"]["format_name"], "matroska,webm");
  expect_copied_with_tracks(out, "pcm_s16le", "subrip");  // Matroska holds the PCM as it is
}

TEST_F(MuxVideo, AssBecomesMovTextInMp4AndStaysAssInMkv) {
  const auto ass = dir_ / "bbb_8s.zh.ass";
  write_file_atomically(
      ass,
      "[Script Info]\nScriptType: v4.00+\nPlayResX: 384\nPlayResY: 288\n\n[V4+ Styles]\n"
      "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
      "Italic, "
      "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
      "MarginL, MarginR, MarginV, Encoding\n"
      "Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0\n\n"
      "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
      "Dialogue: 0,0:00:00.50,0:00:02.50,Default,,0,0,0,,床前明月光，疑是地上霜。\n"
      "Dialogue: 0,0:00:02.80,0:00:04.80,Default,,0,0,0,,举头望明月，低头思故乡。\n");
  const std::string audio = mix();
  for (const std::string container : {"mp4", "mkv"}) {
    const json out = run({{"video_path", video_},
                          {"mixed_audio_path", audio},
                          {"subtitle_tracks", json::array({{{"path", ass.string()}, {"language", "zh"}}})},
                          {"output_format", container}});
    const auto subs = streams_of(out["muxed_video_path"], "subtitle");
    ASSERT_EQ(subs.size(), 1u);
    EXPECT_EQ(subs[0]["codec_name"], container == "mp4" ? "mov_text" : "ass");
    EXPECT_EQ(texts(subtitles_as_srt(out["muxed_video_path"], "s:0")),
              (std::vector<std::string>{"床前明月光，疑是地上霜。", "举头望明月，低头思故乡。"}))
        << container;
  }
}

TEST_F(MuxVideo, TheOriginalAudioIsKeptAsASecondTrackUnchanged) {
  const std::string with_audio =
      run_in(nodes_, "ffmpeg.mux_video",
             {{"video_path", video_}, {"audio_tracks", json::array({{{"path", mix()}, {"language", "en"}}})}},
             dir_ / "original")["muxed_video_path"];
  const json out =
      run({{"video_path", with_audio},
           {"audio_tracks", json::array({{{"path", mix()}, {"language", "zh"}, {"title", "Dubbed"}}})},
           {"original_language", "en"}});
  const auto audio = streams_of(out["muxed_video_path"], "audio");
  ASSERT_EQ(audio.size(), 2u);
  EXPECT_EQ(audio[0]["tags"]["language"], "zho");
  EXPECT_EQ(audio[0]["disposition"]["default"], 1);
  EXPECT_EQ(audio[1]["tags"]["language"], "eng");
  EXPECT_EQ(audio[1]["disposition"]["default"], 0);
  EXPECT_EQ(packet_hashes(out["muxed_video_path"], "a:1"), packet_hashes(with_audio, "a:0"));
  EXPECT_EQ(packet_hashes(out["muxed_video_path"], "v:0"), packet_hashes(video_, "v:0"));
}

TEST_F(MuxVideo, BadInputIsRefusedAndNothingIsWritten) {
  const fs::path keep = scratch_path("yivideo-mux-input");
  fs::create_directories(keep);
  fs::copy_file(mix(), keep / "mix.wav");
  const std::string mixed = (keep / "mix.wav").string();
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  EXPECT_EQ(error_code({{"video_path", mixed}, {"mixed_audio_path", mixed}}), "no_video_stream");
  EXPECT_EQ(error_code({{"video_path", video_}, {"mixed_audio_path", "/nonexistent.wav"}}), "file_not_found");
  EXPECT_EQ(error_code({{"video_path", video_},
                        {"mixed_audio_path", mixed},
                        {"subtitle_tracks", json::array({{{"path", "/nonexistent.srt"}}})}}),
            "file_not_found");
  EXPECT_EQ(error_code({{"video_path", video_}}), "missing_input");  // no audio anywhere
  EXPECT_EQ(error_code({{"video_path", video_}, {"mixed_audio_path", mixed}, {"audio_language", "xx"}}),
            "invalid_parameter");
  EXPECT_EQ(error_code({{"video_path", video_},
                        {"mixed_audio_path", mixed},
                        {"subtitle_tracks", json::array({{{"path", chinese_}, {"language", 7}}})}}),
            "invalid_parameter");
  EXPECT_TRUE(fs::is_empty(dir_)) << "a refused mux left files";
  fs::remove_all(keep);
}

}  // namespace
}  // namespace yv::test

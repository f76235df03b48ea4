// The assembly end of the "dub" chain as a workflow runs it — fit_dubbing, mix_audio, mux_video,
// burn_subtitles — each stage's inputs computed by the engine (own parameters, globals, then earlier
// stages' outputs), on real footage (a street marathon, tests/data/video/openshot_run_5s.mp4) with real
// Mandarin speech standing in for the synthesised voice over real music.
#include <gtest/gtest.h>

#include "core/files.h"
#include "dubbing/dubbing_media.h"
#include "engine/stage_inputs.h"
#include "support/fixtures.h"
#include "support/node_test.h"

namespace yv::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class DubbingChain : public NodeTest {
 protected:
  DubbingChain() : NodeTest("ffmpeg.burn_subtitles", "yivideo-dubbing-chain") {}

  // Runs `node` with `own` parameters as the scheduler would, after the stages run so far.
  json stage(const std::string& node, const json& own) {
    const auto& spec = nodes_.get(node);
    const json params = engine::stage_inputs(nodes_, spec, own, globals_, earlier_);
    const std::function<void(double)> progress = [](double) {};
    const std::atomic<bool> cancelled{false};
    const fs::path dir = dir_ / node;
    fs::create_directories(dir);
    const json out = spec.run({params, progress, cancelled, dir});
    earlier_.push_back({node, out});
    return out;
  }

  const std::string video_ = test_data("video/openshot_run_5s.mp4");
  json globals_ = {{"video_path", video_}};
  std::vector<engine::EarlierStage> earlier_;
};

TEST_F(DubbingChain, FitMixMuxBurnMakeADubbedSubtitledVideo) {
  const auto chinese = dir_ / "openshot_run_5s.zh.srt";
  write_file_atomically(chinese,
                        "1\n00:00:00,300 --> 00:00:01,800\n你好世界\n\n"
                        "2\n00:00:02,000 --> 00:00:04,000\n我有的时候说不清楚你们知道吗\n\n");
  const json segments = json::array(
      {{{"audio_path", test_data("speech/zh/firered_hello_zh.wav")}, {"start", 0.3}, {"end", 1.8}},
       {{"audio_path", shared_fixture("zh/TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav")},
        {"start", 2.0},
        {"end", 4.0}}});
  const json fit = stage("ffmpeg.fit_dubbing", {{"tts_segments", segments}, {"timeline_duration", 5.0}});
  EXPECT_EQ(fit["overflow_count"], 0);
  // The footage has no sound of its own: the bed is given.
  stage("ffmpeg.mix_audio",
        {{"background_audio_path", test_data("speech/none/music_brahms_hungarian_dance_5.flac")}});
  const json mux =
      stage("ffmpeg.mux_video",
            {{"audio_language", "zh"},
             {"subtitle_tracks",
              json::array({{{"path", chinese.string()}, {"language", "zh"}},
                           {{"path", test_data("video/openshot_run_5s.en.srt")}, {"language", "en"}}})}});
  const json burn =
      stage("ffmpeg.burn_subtitles", {{"subtitle_path", chinese.string()}, {"preset", "ultrafast"}});

  const std::string muxed = mux["muxed_video_path"], burned = burn["burned_video_path"];
  EXPECT_EQ(packet_hashes(muxed, "v:0"), packet_hashes(video_, "v:0"));
  EXPECT_NEAR(integrated_loudness(muxed), -16.0, 1.0);  // the AAC track in the video, measured again
  EXPECT_EQ(streams_of(muxed, "audio").at(0)["tags"]["language"], "zho");
  EXPECT_EQ(streams_of(muxed, "subtitle").size(), 2u);
  // burn_subtitles took the muxed video (not the footage, which has no audio) and copied its audio.
  EXPECT_EQ(packet_hashes(burned, "a:0"), packet_hashes(muxed, "a:0"));
  EXPECT_NE(packet_hashes(burned, "v:0"), packet_hashes(video_, "v:0"));
}

}  // namespace
}  // namespace yv::test

// ffmpeg.mix_audio on real recordings: read speech (LibriSpeech, placed by ffmpeg.fit_dubbing) over real
// music (Kevin MacLeod's "Vibe Ace"), judged by ffmpeg's own ebur128 meter and by the levels of the bed with
// and without the speech.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/error.h"
#include "dubbing/dubbing_media.h"
#include "media/audio_decoder.h"
#include "support/fixtures.h"
#include "support/node_test.h"

namespace yv::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class MixAudio : public NodeTest {
 protected:
  MixAudio() : NodeTest("ffmpeg.mix_audio", "yivideo-mix-audio") {}

  const std::string bed_ = test_data("speech/none/music_macleod_vibe_ace.flac");

  // LibriSpeech's 8.7 s sentence fitted into 2.0-8.5 s of a 10 s track.
  std::string speech() {
    const json cue = {
        {"audio_path", test_data("speech/en/librispeech_1995-1837-0001.wav")}, {"start", 2.0}, {"end", 8.5}};
    return run_in(nodes_, "ffmpeg.fit_dubbing",
                  {{"tts_segments", json::array({cue})}, {"timeline_duration", 10.0}},
                  dir_ / "fit")["dubbed_audio_path"];
  }

  // How much lower the bed sits in the mix while the speech sounds (2.2-8.3 s) than before it (0.1-1.9 s),
  // in dB, with the speech itself turned down out of the way.
  double ducking_depth(bool ducking) {
    const json out = run({{"dubbed_audio_path", speech()},
                          {"background_audio_path", bed_},
                          {"speech_volume_db", -60.0},
                          {"ducking", ducking}});
    const media::Audio mix = media::decode_audio(out["mixed_audio_path"], 48000);
    const media::Audio bed = media::decode_audio(bed_, 48000);
    const double before = level_db(mix, 0.1, 1.9) - level_db(bed, 0.1, 1.9);
    const double during = level_db(mix, 2.2, 8.3) - level_db(bed, 2.2, 8.3);
    return before - during;
  }
};

TEST_F(MixAudio, MixIsNormalisedToMinus16Lufs) {
  const json out = run({{"dubbed_audio_path", speech()}, {"background_audio_path", bed_}});
  const double measured = integrated_loudness(out["mixed_audio_path"]);
  std::cout << "input " << out["input_loudness"] << " LUFS; output " << measured
            << " LUFS by ffmpeg's ebur128, " << out["measured_loudness"] << " by the node; true peak "
            << out["true_peak"] << " dBTP\n";
  EXPECT_NEAR(measured, -16.0, 0.5);
  EXPECT_NEAR(out["measured_loudness"].get<double>(), measured, 0.2);
  EXPECT_LE(out["true_peak"].get<double>(), -1.0);
  EXPECT_EQ(out["bed_source"], "background_audio_path");
  EXPECT_NEAR(out["duration"].get<double>(), 10.0, 0.05);  // as long as the bed
  const auto streams = streams_of(out["mixed_audio_path"], "audio");
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0]["channels"], 2);
  EXPECT_EQ(streams[0]["sample_rate"], "48000");
}

TEST_F(MixAudio, BedDucksUnderTheSpeech) {
  const double ducked = ducking_depth(true), plain = ducking_depth(false);
  std::cout << "bed lowered by " << ducked << " dB under speech (" << plain << " dB without ducking)\n";
  EXPECT_GE(ducked, 6.0);
  EXPECT_LT(std::abs(plain), 1.0);
}

TEST_F(MixAudio, WritesM4a) {
  const json out =
      run({{"dubbed_audio_path", speech()}, {"background_audio_path", bed_}, {"output_format", "m4a"}});
  EXPECT_EQ(streams_of(out["mixed_audio_path"], "audio").at(0)["codec_name"], "aac");
  EXPECT_NEAR(integrated_loudness(out["mixed_audio_path"]), -16.0, 1.0);
}

TEST_F(MixAudio, TheAccompanimentStemIsTheBed) {
  const json out = run({{"dubbed_audio_path", speech()},
                        {"vocal_audio", "/elsewhere/vocals.flac"},
                        {"all_audio_files", json::array({"/elsewhere/vocals.flac", bed_})},
                        {"video_path", test_data("video/bbb_8s.mp4")}});
  EXPECT_EQ(out["bed_source"], "all_audio_files");
}

TEST_F(MixAudio, BadInputIsRefusedAndNothingIsWritten) {
  const std::string voice = speech();
  // The 10 s bed past a 5 s limit on media: the graph reads it, and the cap still holds.
  setenv("YIVIDEO_MAX_MEDIA_SECONDS", "5", 1);
  EXPECT_EQ(error_code({{"dubbed_audio_path", voice}, {"background_audio_path", bed_}}), "media_too_long");
  unsetenv("YIVIDEO_MAX_MEDIA_SECONDS");
  EXPECT_FALSE(fs::exists(dir_ / "mixed_audio.wav"));
  fs::remove_all(dir_ / "fit");
  // The test videos have no audio: a bed from them is refused by name.
  EXPECT_EQ(error_code({{"dubbed_audio_path", voice}, {"video_path", test_data("video/bbb_8s.mp4")}}),
            "no_audio_stream");
  EXPECT_EQ(error_code({{"dubbed_audio_path", "/nonexistent.wav"}, {"background_audio_path", bed_}}),
            "file_not_found");
  EXPECT_EQ(error_code({{"dubbed_audio_path", voice}}), "missing_input");
  EXPECT_TRUE(fs::is_empty(dir_));
}

}  // namespace
}  // namespace yv::test

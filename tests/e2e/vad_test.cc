// Silero VAD (media/vad.h) with the converted weights on real speech, loud and quiet, continuous and with
// pauses, and on silence, hiss and music, which must hold no speech.
#include "media/vad.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"
#include "media/audio_decoder.h"
#include "nodes/whisper/model_store.h"
#include "support/fixtures.h"
#include "support/signals.h"
#include "support/subprocess.h"

namespace yv::media {
namespace {

// Seconds of [from, to) inside the regions.
double covered(const std::vector<SpeechRegion>& regions, double from, double to) {
  double total = 0;
  for (const auto& r : regions) total += std::max(0.0, std::min(to, r.end) - std::max(from, r.start));
  return total;
}

Audio clip(const std::string& name) { return decode_audio(test::shared_fixture(name), 16000); }

// Every real clip of the fixtures is one utterance, trimmed: speech from start to end, with a pause or two
// (JFK's are up to a second). With the transcription's settings nearly all of it is one region; with no
// bridging (the diarizer's), the pauses go but the words stay; at any level down to RMS 0.001 (-60 dBFS).
// The energy detector it replaced kept nothing of the Mandarin internet clip (loud, no pause: its floor was
// the speech).
class RealSpeech : public ::testing::TestWithParam<std::string> {};

TEST_P(RealSpeech, IsKeptAsRecordedAndAtRms001And0001) {
  Audio audio = clip(GetParam());
  const double duration = audio.duration();
  for (const double rms : {0.0, 0.01, 0.001}) {
    if (rms > 0) audio.samples = test::scaled_to_rms(audio.samples, rms);
    const auto regions = speech_regions(audio);
    ASSERT_FALSE(regions.empty()) << "rms " << rms;
    EXPECT_GE(covered(regions, 0, duration), 0.85 * duration) << "rms " << rms;
    const auto tight = speech_regions(audio, {.bridge_seconds = 0.2, .pad_seconds = 0.0});
    EXPECT_GE(covered(tight, 0, duration), 0.5 * duration) << "rms " << rms;
  }
}

INSTANTIATE_TEST_SUITE_P(SharedFixtures, RealSpeech,
                         ::testing::Values("jfk.wav", "1272-128104-0000.wav", "another_door.wav",
                                           "zh/BAC009S0764W0121.wav",
                                           "zh/TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav"));

TEST(Vad, SilenceHissAndMusicHoldNoSpeech) {
  const std::pair<const char*, std::vector<float>> inputs[] = {
      {"silence", std::vector<float>(16000 * 10, 0.0f)},
      {"quiet hiss", test::hiss(10, 0.003f)},
      {"loud hiss", test::hiss(10, 0.3f)},
      {"music", test::music(16)},
      // Raised by 40 dB before detection, as any quiet input is: still no speech.
      {"very quiet hiss", test::hiss(10, 0.0003f)},
      {"quiet music", test::scaled_to_rms(test::music(16), 0.003)},
  };
  for (const auto& [name, samples] : inputs) {
    EXPECT_TRUE(speech_regions({samples, 16000}).empty()) << name;
  }
}

TEST(Vad, RegionsAreOnTheInputsTimeLineAndJoinedInOrder) {
  // Five seconds of hiss, JFK, five seconds of hiss: the speech is found where it is, and keep_speech's
  // joined audio maps back onto it.
  const auto jfk = clip("jfk.wav").samples;
  std::vector<float> samples = test::hiss(5, 0.003f);
  samples.insert(samples.end(), jfk.begin(), jfk.end());
  const auto tail = test::hiss(5, 0.003f, 7);
  samples.insert(samples.end(), tail.begin(), tail.end());
  const SpeechOnly speech = keep_speech({samples, 16000});
  ASSERT_FALSE(speech.regions.empty());
  EXPECT_GE(speech.regions.front().start, 4.5);
  EXPECT_LE(speech.regions.front().start, 5.6);
  EXPECT_LE(speech.regions.back().end, 16.6);
  EXPECT_GE(speech.regions.back().end, 15.0);
  EXPECT_LT(speech.audio.duration(), 12.5);
  EXPECT_NEAR(speech.to_original(0.0), speech.regions.front().start, 1e-9);
  const auto& last = speech.regions.back();
  EXPECT_NEAR(speech.to_original(last.offset + 0.5), last.start + 0.5, 1e-9);
}

TEST(Vad, EmptyAudioHasNoSpeechAndOtherRatesAreRefused) {
  EXPECT_TRUE(speech_regions({{}, 16000}).empty());
  try {
    speech_regions({std::vector<float>(8000, 0.0f), 8000});
    ADD_FAILURE() << "8 kHz audio was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "invalid_media");
  }
}

TEST(Vad, AMissingOrCorruptModelIsAClearErrorNotACrash) {
  // In a process of its own: the model is loaded once per process. A corrupt header would make whisper.cpp
  // abort (it sizes its tensors from it); the wrapper refuses it first.
  namespace fs = std::filesystem;
  const fs::path dir = test::scratch_path("yivideo-vad-models");
  fs::create_directories(dir);
  fs::create_symlink(whisper::default_model_dir() / "ggml-tiny.en.bin", dir / "ggml-tiny.en.bin");
  const auto transcribe = [&] {
    return test::run_process({"/usr/bin/env", "YIVIDEO_MODEL_DIR=" + dir.string(), YIVIDEO_BIN, "run",
                              test::shared_fixture("jfk.wav"), "--chain", "faster_whisper.transcribe_audio",
                              "--language", "en"});
  };
  const auto missing = transcribe();
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_NE(missing.err.find("[model_load_failed]"), std::string::npos) << missing.err;
  std::ofstream(dir / "silero-vad.bin", std::ios::binary)
      << std::string("lmgg\x0a\0\0\0silero-16k", 18) << std::string(200, '\x7f');
  const auto corrupt = transcribe();
  EXPECT_EQ(corrupt.exit_code, 1) << corrupt.err;
  EXPECT_NE(corrupt.err.find("not a Silero VAD ggml file"), std::string::npos) << corrupt.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace yv::media

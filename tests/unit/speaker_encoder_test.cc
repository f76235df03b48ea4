#include "nodes/diarize/speaker_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "nodes/diarize/mel.h"
#include "nodes/whisper/model_store.h"

namespace yv::diarize {
namespace {

const auto kWeights = whisper::default_model_dir() / "ge2e-speaker-encoder.bin";

// The reference embeddings were computed from Resemblyzer's original checkpoint by tools/ge2e_convert.py's
// plain forward pass (scripts/lib/deps.sh writes them beside the converted weights).
TEST(SpeakerEncoder, MatchesTheOriginalWeightsWithin1e4) {
  std::ifstream in(whisper::default_model_dir() / "ge2e-speaker-encoder.reference.json");
  ASSERT_TRUE(in) << "run scripts/test, which converts the encoder and writes its reference";
  const auto ref = nlohmann::json::parse(in);
  const auto& batch = ref["frames"];
  const size_t frames = batch[0].size();
  std::vector<float> windows;
  for (const auto& sequence : batch)
    for (const auto& frame : sequence)
      for (float v : frame) windows.push_back(v);
  ASSERT_EQ(windows.size(), batch.size() * frames * kMelChannels);

  const SpeakerEncoder encoder(kWeights);
  const auto got = encoder.embed(windows.data(), batch.size(), frames);
  double worst = 0;
  for (size_t w = 0; w < batch.size(); ++w) {
    for (int k = 0; k < kEmbeddingSize; ++k) {
      worst = std::max(worst,
                       std::abs(double(got[w * kEmbeddingSize + k]) - ref["embeddings"][w][k].get<double>()));
    }
  }
  EXPECT_LT(worst, 1e-4);
}

TEST(SpeakerEncoder, BatchingDoesNotChangeAnEmbedding) {
  const SpeakerEncoder encoder(kWeights);
  std::vector<float> windows(70 * 20 * kMelChannels);
  for (size_t i = 0; i < windows.size(); ++i) windows[i] = float(std::abs(std::sin(0.01 * double(i))));
  const auto all = encoder.embed(windows.data(), 70, 20);  // 64 + 6: two batches
  const auto last = encoder.embed(&windows[69 * 20 * kMelChannels], 1, 20);
  // Equal up to the rounding of a differently blocked matrix product.
  for (int k = 0; k < kEmbeddingSize; ++k) EXPECT_NEAR(all[69 * kEmbeddingSize + k], last[k], 1e-5);
}

TEST(SpeakerEncoder, RefusesAFileOfAnotherKind) {
  try {
    SpeakerEncoder encoder(whisper::default_model_dir() / "ggml-tiny.en.bin");
    FAIL() << "loaded a Whisper model as a speaker encoder";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "model_load_failed");
  }
}

// Values printed by librosa 0.10.2 for librosa.filters.mel(sr=16000, n_fft=400, n_mels=40) (Slaney scale and
// norm). (The whole frontend was also compared once with librosa.feature.melspectrogram on 2 s of noise:
// largest difference 1e-7; librosa is not a dependency, so that comparison is not repeated here.)
TEST(MelFrames, FilterBankIsLibrosas) {
  const auto& f = mel_filters();
  ASSERT_EQ(f.size(), size_t(kMelChannels) * 201);
  EXPECT_EQ(f[0], 0.0f);
  EXPECT_NEAR(f[1], 0.00739021, 1e-7);
  EXPECT_NEAR(f[2], 0.01240452, 1e-7);
  EXPECT_NEAR(f[3], 0.00501431, 1e-7);
  EXPECT_EQ(f[4], 0.0f);
  double area = 0;
  for (int k = 0; k < 201; ++k) area += f[20 * 201 + k] * 40.0;  // bins are 40 Hz apart
  EXPECT_NEAR(area, 1.00879, 1e-4);
}

TEST(MelFrames, ASineLightsTheFilterOfItsFrequency) {
  std::vector<float> tone(kSampleRate);
  for (size_t i = 0; i < tone.size(); ++i)
    tone[i] = float(0.5 * std::sin(2 * M_PI * 1000.0 * double(i) / kSampleRate));
  const auto mel = mel_frames(tone.data(), tone.size());
  ASSERT_EQ(mel.size(), size_t(1 + kSampleRate / kHopSamples) * kMelChannels);
  const float* mid = &mel[50 * kMelChannels];
  const int loudest = int(std::max_element(mid, mid + kMelChannels) - mid);
  // 1 kHz is 15 mel; the 40 filters' centres are 45.2 / 41 mel apart, so filter 13 (centre 15.4 mel) peaks.
  EXPECT_EQ(loudest, 13);
  // Power: a 0.5-amplitude sine in a Hann window of 400 has a peak bin of (0.5 * 400 / 4)^2 = 2500.
  double total = 0;
  for (int m = 0; m < kMelChannels; ++m) total += mid[m];
  EXPECT_GT(total, 10.0);
}

}  // namespace
}  // namespace yv::diarize

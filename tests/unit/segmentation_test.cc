#include "nodes/diarize/segmentation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "media/audio_decoder.h"
#include "nodes/diarize/turns.h"
#include "nodes/whisper/model_store.h"
#include "support/fixtures.h"

namespace yv::diarize {
namespace {

const auto kWeights = whisper::default_model_dir() / "speaker-segmentation.bin";

// The reference was computed from the original checkpoint by tools/pyannote_seg_convert.py's plain forward
// pass (scripts/lib/deps.sh writes it beside the converted weights).
TEST(SpeakerSegmentation, MatchesTheOriginalWeightsWithin1e4) {
  std::ifstream in(whisper::default_model_dir() / "speaker-segmentation.reference.json");
  ASSERT_TRUE(in) << "run scripts/test, which converts the network and writes its reference";
  const auto ref = nlohmann::json::parse(in);
  const auto samples = ref["samples"].get<std::vector<float>>();
  const auto& expected = ref["log_probabilities"];
  ASSERT_EQ(SpeakerSegmentation::frames(samples.size()), expected.size());
  const SpeakerSegmentation network(kWeights);
  const auto got = network.log_probabilities(samples.data(), 1, samples.size());
  double worst = 0;
  for (size_t t = 0; t < expected.size(); ++t)
    for (int k = 0; k < kPowersetClasses; ++k)
      worst = std::max(worst, std::abs(got[t * kPowersetClasses + size_t(k)] - expected[t][k].get<double>()));
  EXPECT_LT(worst, 1e-4);
}

TEST(SpeakerSegmentation, TenSecondsGive589Frames) { EXPECT_EQ(SpeakerSegmentation::frames(160000), 589u); }

// The real telephone call (PyPI pyannote-audio's sample, 30 s, two women, 1.2 s of it both at once): on its
// first 10 s and its last 10 s, frame by frame against the reference turns, the network's most likely class
// says speech or not and one voice or two.
TEST(SpeakerSegmentation, FindsSpeechAndOverlapOnARealCall) {
  const auto audio = media::decode_audio(test::pyannote_sample("sample.wav"), 16000);
  std::ifstream rttm(test::pyannote_sample("sample.rttm"));
  const auto turns = parse_rttm(std::string(std::istreambuf_iterator<char>(rttm), {}));
  const SpeakerSegmentation network(kWeights);
  int frames = 0, speech_agrees = 0, overlap_true = 0, overlap_found = 0, overlap_hit = 0;
  for (size_t start : {size_t(0), audio.samples.size() - kSegmentationChunk}) {
    const auto lp = network.log_probabilities(&audio.samples[start], 1, kSegmentationChunk);
    for (size_t f = 0; f < lp.size() / kPowersetClasses; ++f) {
      const double t = double(start + kFrameCentre + f * kFrameStep) / 16000;
      int active = 0;
      for (const auto& turn : turns) active += turn.start <= t && t < turn.end;
      const float* p = &lp[f * kPowersetClasses];
      const int best = int(std::max_element(p, p + kPowersetClasses) - p);
      const int voices = best == 0 ? 0 : best < kFirstOverlapClass ? 1 : 2;
      ++frames;
      speech_agrees += (active > 0) == (voices > 0);
      overlap_true += active > 1;
      overlap_found += voices > 1;
      overlap_hit += active > 1 && voices > 1;
    }
  }
  EXPECT_GT(double(speech_agrees) / frames, 0.9);
  RecordProperty("overlap", std::to_string(overlap_hit) + " of " + std::to_string(overlap_true) + " found, " +
                                std::to_string(overlap_found) + " claimed");
  EXPECT_GT(overlap_hit, overlap_true / 2);
  EXPECT_LT(overlap_found, 2 * overlap_true);
}

TEST(SpeakerSegmentation, RefusesAFileOfAnotherKind) {
  try {
    SpeakerSegmentation network(whisper::default_model_dir() / "ge2e-speaker-encoder.bin");
    FAIL() << "loaded the speaker encoder as the segmentation network";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "model_load_failed");
  }
}

}  // namespace
}  // namespace yv::diarize

#include "nodes/diarize/campplus.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/error.h"
#include "media/audio_decoder.h"
#include "nodes/whisper/model_store.h"
#include "support/fixtures.h"

namespace yv::diarize {
namespace {

const auto kModel = whisper::default_model_dir() / "speaker-campplus.onnx";

double cosine(const std::vector<float>& e, size_t a, size_t b) {
  double dot = 0;
  for (int k = 0; k < kCamEmbeddingSize; ++k)
    dot += double(e[a * kCamEmbeddingSize + k]) * e[b * kCamEmbeddingSize + k];
  return dot;  // the embeddings are unit vectors
}

// Five real speakers of known identity (LibriSpeech and AISHELL-1 speaker ids, JFK), English and Mandarin:
// the two halves of each one's clip, 2-5.5 s each.
TEST(CamPlus, OneSpeakersTwoHalvesAreCloserThanAnyTwoSpeakers) {
  const std::map<std::string, std::string> clips = {
      {"JFK", test::shared_fixture("jfk.wav")},
      {"LibriSpeech 1272", test::shared_fixture("1272-128104-0000.wav")},
      {"LibriSpeech 1995", test::test_data("speech/en/librispeech_1995-1837-0001.wav")},
      {"AISHELL S0764", test::shared_fixture("zh/BAC009S0764W0121.wav")},
      {"AISHELL S0724", test::test_data("speech/zh/aishell1_BAC009S0724W0121.wav")},
  };
  std::vector<media::Audio> audio;
  std::vector<std::span<const float>> halves;
  for (const auto& [name, path] : clips) audio.push_back(media::decode_audio(path, 16000));
  for (const auto& a : audio) {
    const std::span<const float> all(a.samples);
    halves.push_back(all.first(all.size() / 2));
    halves.push_back(all.subspan(all.size() / 2));
  }
  const CamPlus model(kModel);
  const auto e = model.embed(halves);
  ASSERT_EQ(e.size(), halves.size() * kCamEmbeddingSize);
  size_t s = 0;
  for (const auto& [name, path] : clips) {
    const double same = cosine(e, 2 * s, 2 * s + 1);
    double others = -1;
    for (size_t h = 0; h < halves.size(); ++h)
      if (h / 2 != s) others = std::max({others, cosine(e, 2 * s, h), cosine(e, 2 * s + 1, h)});
    // Measured: 0.71-0.83 within a speaker, at most 0.19 across (the converter's header).
    EXPECT_GT(same, 0.6) << name;
    EXPECT_LT(others, 0.3) << name;
    ++s;
  }
}

TEST(CamPlus, TheLevelAndTheBatchDoNotChangeAnEmbedding) {
  const auto audio = media::decode_audio(test::shared_fixture("jfk.wav"), 16000);
  std::vector<float> quiet(audio.samples);
  for (float& v : quiet) v *= 0.05f;  // -26 dB
  const CamPlus model(kModel);
  const auto e = model.embed({audio.samples, quiet, audio.samples});
  EXPECT_GT(cosine(e, 0, 1), 0.99);
  EXPECT_NEAR(cosine(e, 0, 2), 1.0, 1e-6);
}

TEST(CamPlus, AWindowShorterThanAFewFramesStillGetsAUnitVector) {
  const auto audio = media::decode_audio(test::shared_fixture("jfk.wav"), 16000);
  const CamPlus model(kModel);
  const auto e = model.embed({std::span<const float>(audio.samples).subspan(16000, 400)});
  EXPECT_NEAR(cosine(e, 0, 0), 1.0, 1e-5);
}

TEST(CamPlus, AMissingModelIsRefused) {
  try {
    CamPlus model(whisper::default_model_dir() / "no-such-campplus.onnx");
    FAIL() << "loaded a missing model";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "model_load_failed");
  }
}

}  // namespace
}  // namespace yv::diarize

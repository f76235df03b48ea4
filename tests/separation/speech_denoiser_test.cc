// GTCRN through sherpa-onnx's streaming denoiser (sherpa/speech_denoiser.h) and the node's streamed use of it
// (nodes/audio_separator/vocal_enhancement.h) on real read speech: the timing and the length are kept,
// chunking changes nothing, and clean speech stays what it was (22 dB measured through either). What it does
// to music left in a vocal stem is judged on the node's output (separate_vocals_test.cc).
#include "sherpa/speech_denoiser.h"

#include <gtest/gtest.h>

#include <cmath>

#include "media/audio_decoder.h"
#include "nodes/audio_separator/separation_model.h"
#include "nodes/audio_separator/vocal_enhancement.h"
#include "separation/sdr.h"
#include "support/fixtures.h"
#include "tts/splice.h"

namespace yv::test {
namespace {

constexpr int kRate = 16000;

std::vector<float> speech() {
  return media::decode_audio(shared_fixture("1272-128104-0000.wav"), kRate).samples;
}

// `x` through one stream, written in chunks of `chunk` samples.
std::vector<float> denoise(sherpa::SpeechDenoiser& denoiser, const std::vector<float>& x, size_t chunk) {
  std::vector<float> out;
  for (size_t at = 0; at < x.size(); at += chunk)
    denoiser.write(x.data() + at, std::min(chunk, x.size() - at), out);
  denoiser.finish(out);
  return out;
}

TEST(SpeechDenoiser, KeepsCleanSpeechInTimeAndLength) {
  sherpa::SpeechDenoiser denoiser(audio_separator::gtcrn_files());
  EXPECT_EQ(denoiser.sample_rate(), kRate);
  const auto x = speech();
  const auto y = denoise(denoiser, x, x.size());
  ASSERT_EQ(y.size(), x.size());
  // Clean read speech is what GTCRN was trained to keep: a delay of even one sample would cost this figure.
  const double kept = sdr_db(x, y);
  std::cout << "clean speech through GTCRN: " << kept << " dB\n";
  EXPECT_GT(kept, 15.0);
}

TEST(SpeechDenoiser, ChunksOfAnySizeGiveTheSameStream) {
  sherpa::SpeechDenoiser denoiser(audio_separator::gtcrn_files());
  const auto x = speech();
  const auto whole = denoise(denoiser, x, x.size());
  for (const size_t chunk : {size_t(1), size_t(255), size_t(4097)}) {
    const auto pieces = denoise(denoiser, x, chunk);  // also a new stream after finish()
    ASSERT_EQ(pieces.size(), whole.size()) << chunk;
    EXPECT_GT(sdr_db(whole, pieces), 100.0) << chunk;
  }
}

TEST(SpeechDenoiser, AStreamShorterThanAFrameIsSilenceOfItsLength) {
  sherpa::SpeechDenoiser denoiser(audio_separator::gtcrn_files());
  const std::vector<float> x(100, 0.1f);
  EXPECT_EQ(denoise(denoiser, x, x.size()).size(), x.size());
}

// The node's path: a 44.1 kHz stereo stem resampled to 16 kHz, enhanced per channel and resampled back, in
// blocks as the separation gives them out.
TEST(VocalEnhancement, KeepsTheStemsRateChannelsLengthAndTiming) {
  constexpr int kStemRate = 44100;
  const auto x = media::decode_audio(shared_fixture("1272-128104-0000.wav"), kStemRate).samples;
  std::vector<float> stereo(2 * x.size());
  for (size_t i = 0; i < x.size(); ++i) stereo[2 * i] = stereo[2 * i + 1] = x[i];
  std::vector<float> left, right;
  audio_separator::VocalEnhancement enhancement(audio_separator::gtcrn_files(), kStemRate, 2,
                                                [&](const float* s, size_t frames) {
                                                  for (size_t i = 0; i < frames; ++i) {
                                                    left.push_back(s[2 * i]);
                                                    right.push_back(s[2 * i + 1]);
                                                  }
                                                });
  for (size_t at = 0; at < x.size(); at += 30000)
    enhancement.write(stereo.data() + 2 * at, std::min<size_t>(30000, x.size() - at));
  enhancement.finish();
  ASSERT_EQ(left.size(), x.size());
  EXPECT_EQ(left, right);
  // Scored at 16 kHz against the speech itself: a resampler's delay would cost this figure as a denoiser's
  // would.
  const double kept = sdr_db(speech(), tts::resample(left, kStemRate, kRate));
  std::cout << "clean speech through the stem's enhancement: " << kept << " dB\n";
  EXPECT_GT(kept, 15.0);
}

}  // namespace
}  // namespace yv::test

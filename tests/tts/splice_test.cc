// Joining two voices' speech (tts/splice.h), on synthetic tones where the expected numbers are exact; whether
// the joined speech is heard right is judged on real voices in speech_test.cc.
#include "tts/splice.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace yv::tts {
namespace {

constexpr int kRate = 24000;

// `silence` seconds of zeros, `seconds` of a sine of `amplitude` at `hz`, then `silence` again.
std::vector<float> tone(double seconds, float amplitude, double silence = 0, double hz = 220,
                        int rate = kRate) {
  std::vector<float> out(size_t(silence * rate), 0.0f);
  for (size_t i = 0; i < size_t(seconds * rate); ++i)
    out.push_back(amplitude * float(std::sin(2 * std::numbers::pi * hz * double(i) / rate)));
  out.insert(out.end(), size_t(silence * rate), 0.0f);
  return out;
}

float largest_step(const std::vector<float>& s) {
  float step = 0;
  for (size_t i = 1; i < s.size(); ++i) step = std::max(step, std::abs(s[i] - s[i - 1]));
  return step;
}

TEST(Splice, SpeechLevelIgnoresThePauses) {
  EXPECT_NEAR(speech_level(tone(1.0, 0.5), kRate), 0.5 / std::sqrt(2.0), 1e-3);
  EXPECT_NEAR(speech_level(tone(1.0, 0.5, 2.0), kRate), 0.5 / std::sqrt(2.0), 1e-3);
  EXPECT_EQ(speech_level(std::vector<float>(kRate, 0.0f), kRate), 0.0f);
  EXPECT_EQ(speech_level({}, kRate), 0.0f);
}

TEST(Splice, MatchLevelScalesButDoesNotClip) {
  auto quiet = tone(0.5, 0.1, 0.2);
  match_level(quiet, kRate, 0.2f);
  EXPECT_NEAR(speech_level(quiet, kRate), 0.2, 1e-3);
  auto loud = tone(0.5, 0.1);
  match_level(loud, kRate, 0.9f);  // would need a peak of 1.27
  EXPECT_NEAR(*std::max_element(loud.begin(), loud.end()), 0.95, 1e-3);
}

TEST(Splice, ResampleKeepsDurationAndPitch) {
  const auto in = tone(1.0, 0.5, 0, 440, 22050);
  const auto out = resample(in, 22050, kRate);
  EXPECT_NEAR(double(out.size()), kRate, 0.002 * kRate);
  int crossings = 0;  // 440 Hz: 880 upward and downward crossings a second
  for (size_t i = 1; i < out.size(); ++i) crossings += (out[i - 1] < 0) != (out[i] < 0);
  EXPECT_NEAR(crossings, 880, 4);
  EXPECT_EQ(resample(in, 22050, 22050), in);
}

TEST(Splice, InnerSilenceIsCutToThePauseAndOuterEdgesAreKept) {
  // Two tones of 0.5 s, each with 0.2 s of silence around it, joined with a 0.1 s pause: 0.2 + 0.5 + 0.1 +
  // 0.5 + 0.2 s, the outer silences being as spoken.
  const auto joined = splice({{tone(0.5, 0.3, 0.2)}, {tone(0.5, 0.3, 0.2, 330), 0.1}}, kRate);
  EXPECT_NEAR(double(joined.size()) / kRate, 1.5, 0.002);
  // The pause between the sounds (the longest run of samples under the -40 dB floor inside the joined
  // sound) lasts the 0.1 s asked for.
  const auto loud = [](float s) { return std::abs(s) > 0.003f; };
  size_t quiet = 0, longest = 0;
  for (size_t i = kRate / 4; i < joined.size() - kRate / 4; ++i) {
    quiet = loud(joined[i]) ? 0 : quiet + 1;
    longest = std::max(longest, quiet);
  }
  EXPECT_NEAR(double(longest) / kRate, 0.1, 0.012);
  EXPECT_EQ(std::find_if(joined.begin(), joined.end(), loud) - joined.begin(), long(0.2 * kRate) + 1);
}

TEST(Splice, CutsInsideSoundFadeWithoutAClick) {
  // Pieces that start and end in full sound (no silence to cut): the joins fade over 10 ms, so no step is
  // larger than the tones' own (a 220 Hz sine of 0.5 steps at most 0.029 a sample at 24 kHz).
  const auto joined = splice({{tone(0.3, 0.5)}, {tone(0.3, 0.5, 0, 330)}, {tone(0.3, 0.5)}}, kRate);
  EXPECT_LE(largest_step(joined), largest_step(tone(0.3, 0.5, 0, 330)) + 1e-4);
}

TEST(Splice, PiecesOfSilenceAreLeftOut) {
  const auto joined = splice({{std::vector<float>(100, 0.0f)}, {tone(0.5, 0.3)}, {{}, 1.0}}, kRate);
  EXPECT_EQ(joined, tone(0.5, 0.3));
}

}  // namespace
}  // namespace yv::tts

// Non-speech signals and level changes for the voice activity tests, 16 kHz mono.
//
// The music is synthetic (a melody and a bass line of harmonic notes with plucked envelopes over a chord
// pad): it stands in for a real recording, of which the fixtures hold none. Like music, it has a steady
// level, no pauses and pitch.
#pragma once

#include <cstdint>
#include <vector>

namespace yv::test {

// Uniform white noise of peak `amplitude`, the same for the same seed.
std::vector<float> hiss(double seconds, float amplitude, uint32_t seed = 1);

// Eight bars of synthetic music at about -20 dBFS RMS.
std::vector<float> music(double seconds);

// `samples` scaled so that their RMS is `rms`.
std::vector<float> scaled_to_rms(std::vector<float> samples, double rms);

}  // namespace yv::test

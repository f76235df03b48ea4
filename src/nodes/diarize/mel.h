// The speaker encoder's input: mel power spectrogram frames, computed as Resemblyzer computed them in
// training (librosa.feature.melspectrogram with its defaults): 25 ms Hann windows every 10 ms, centred (the
// signal is padded with 200 zeros at each end), |FFT|^2 of 400 points, 40 Slaney mel filters with Slaney area
// normalisation from 0 to 8 kHz. Not a log spectrogram: the network was trained on power.
#pragma once

#include <cstddef>
#include <vector>

namespace yv::diarize {

inline constexpr int kSampleRate = 16000;
inline constexpr int kMelChannels = 40;
inline constexpr int kHopSamples = 160;  // one frame per 10 ms

// Frames of 16 kHz mono samples, row-major [frames][kMelChannels]; 1 + samples / kHopSamples frames.
std::vector<float> mel_frames(const float* samples, size_t count);

// The filter bank, row-major [kMelChannels][201 FFT bins] (for tests against librosa's published values).
const std::vector<float>& mel_filters();

}  // namespace yv::diarize

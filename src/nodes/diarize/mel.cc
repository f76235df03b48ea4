#include "nodes/diarize/mel.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace yv::diarize {
namespace {

constexpr int kFft = 400;
constexpr int kBins = kFft / 2 + 1;
constexpr size_t kBlockFrames = 2048;  // frames transformed per matrix product: 3.3 MB of basis outputs

// Slaney's mel scale (librosa's default, htk=False): linear below 1 kHz, logarithmic above.
double hz_to_mel(double hz) {
  constexpr double kStep = 200.0 / 3, kLogStep = 0.06875177742094912;  // log(6.4) / 27
  return hz < 1000 ? hz / kStep : 15.0 + std::log(hz / 1000) / kLogStep;
}
double mel_to_hz(double mel) {
  constexpr double kStep = 200.0 / 3, kLogStep = 0.06875177742094912;
  return mel < 15.0 ? mel * kStep : 1000 * std::exp(kLogStep * (mel - 15.0));
}

std::vector<float> make_filters() {
  std::vector<double> edges(kMelChannels + 2);
  const double top = hz_to_mel(kSampleRate / 2.0);
  for (int i = 0; i < kMelChannels + 2; ++i) edges[i] = mel_to_hz(top * i / (kMelChannels + 1));
  std::vector<float> w(size_t(kMelChannels) * kBins);
  for (int m = 0; m < kMelChannels; ++m) {
    const double norm = 2.0 / (edges[m + 2] - edges[m]);  // Slaney: each filter has unit area
    for (int k = 0; k < kBins; ++k) {
      const double f = double(k) * kSampleRate / kFft;
      const double rising = (f - edges[m]) / (edges[m + 1] - edges[m]);
      const double falling = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1]);
      w[size_t(m) * kBins + k] = float(std::max(0.0, std::min(rising, falling)) * norm);
    }
  }
  return w;
}

// The windowed DFT as a matrix [kFft][2 * kBins]: cosine columns, then sine columns, Hann window folded in.
const std::vector<float>& dft_basis() {
  static const std::vector<float> basis = [] {
    std::vector<float> b(size_t(kFft) * 2 * kBins);
    for (int n = 0; n < kFft; ++n) {
      const double window = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * n / kFft);  // periodic Hann
      for (int k = 0; k < kBins; ++k) {
        const double phase = 2 * std::numbers::pi * double((n * k) % kFft) / kFft;
        b[size_t(n) * 2 * kBins + k] = float(window * std::cos(phase));
        b[size_t(n) * 2 * kBins + kBins + k] = float(-window * std::sin(phase));
      }
    }
    return b;
  }();
  return basis;
}

}  // namespace

const std::vector<float>& mel_filters() {
  static const std::vector<float> filters = make_filters();
  return filters;
}

std::vector<float> mel_frames(const float* samples, size_t count) {
  const size_t frames = 1 + count / kHopSamples;
  std::vector<float> out(frames * kMelChannels);
  std::vector<float> windows(kBlockFrames * kFft), spectrum(kBlockFrames * 2 * kBins),
      power(kBlockFrames * kBins);
  const auto& basis = dft_basis();
  const auto& filters = mel_filters();
  for (size_t first = 0; first < frames; first += kBlockFrames) {
    const size_t n = std::min(kBlockFrames, frames - first);
    for (size_t f = 0; f < n; ++f) {
      // Frame t is centred on sample t * hop: it starts kFft / 2 before it, in zeros where outside the
      // signal.
      const long start = long((first + f) * kHopSamples) - kFft / 2;
      float* row = &windows[f * kFft];
      for (long i = 0; i < kFft; ++i) {
        const long s = start + i;
        row[i] = (s >= 0 && s < long(count)) ? samples[s] : 0.0f;
      }
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), 2 * kBins, kFft, 1.0f, windows.data(),
                kFft, basis.data(), 2 * kBins, 0.0f, spectrum.data(), 2 * kBins);
    for (size_t f = 0; f < n; ++f) {
      const float* re = &spectrum[f * 2 * kBins];
      const float* im = re + kBins;
      for (int k = 0; k < kBins; ++k) power[f * kBins + k] = re[k] * re[k] + im[k] * im[k];
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(n), kMelChannels, kBins, 1.0f, power.data(),
                kBins, filters.data(), kBins, 0.0f, &out[first * kMelChannels], kMelChannels);
  }
  return out;
}

}  // namespace yv::diarize

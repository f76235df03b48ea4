#include "media/vad.h"

#include <algorithm>
#include <cmath>

namespace yv::media {
namespace {

constexpr double kFrameSeconds = 0.03;
constexpr double kOverFloorDb = 12;
constexpr double kMinThresholdDb = -50;
constexpr double kMinSpeechSeconds = 0.25;

}  // namespace

double SpeechOnly::to_original(double t) const {
  for (auto it = regions.rbegin(); it != regions.rend(); ++it) {
    if (t >= it->offset) return std::min(it->end, it->start + (t - it->offset));
  }
  return regions.empty() ? t : regions.front().start;
}

std::vector<SpeechRegion> speech_regions(const Audio& audio, const VadOptions& options) {
  const auto frame = size_t(kFrameSeconds * audio.sample_rate);
  const size_t n = frame ? audio.samples.size() / frame : 0;
  std::vector<double> db(n);
  for (size_t i = 0; i < n; ++i) {
    double energy = 0;
    for (size_t j = i * frame; j < (i + 1) * frame; ++j)
      energy += double(audio.samples[j]) * audio.samples[j];
    db[i] = 10 * std::log10(energy / double(frame) + 1e-12);
  }
  std::vector<SpeechRegion> out;
  if (n == 0) return out;
  std::vector<double> sorted = db;
  std::nth_element(sorted.begin(), sorted.begin() + long(n / 10), sorted.end());
  const double threshold = std::max(sorted[n / 10] + kOverFloorDb, kMinThresholdDb);

  // Runs of loud frames, bridged over short gaps, kept when long enough.
  std::vector<SpeechRegion> raw;
  for (size_t i = 0; i < n; ++i) {
    if (db[i] < threshold) continue;
    const double start = double(i) * kFrameSeconds, end = double(i + 1) * kFrameSeconds;
    if (!raw.empty() && start - raw.back().end <= options.bridge_seconds) {
      raw.back().end = end;
    } else {
      raw.push_back({start, end, 0});
    }
  }
  const double total = audio.duration();
  for (const auto& r : raw) {
    if (r.end - r.start < kMinSpeechSeconds) continue;
    SpeechRegion padded{std::max(0.0, r.start - options.pad_seconds),
                        std::min(total, r.end + options.pad_seconds), 0};
    if (!out.empty() && padded.start <= out.back().end) {
      out.back().end = padded.end;  // padding made them touch
    } else {
      out.push_back(padded);
    }
  }
  return out;
}

SpeechOnly keep_speech(const Audio& audio) {
  SpeechOnly out;
  out.audio.sample_rate = audio.sample_rate;
  out.regions = speech_regions(audio);
  for (auto& r : out.regions) {
    r.offset = out.audio.duration();
    const auto from = size_t(r.start * audio.sample_rate),
               to = std::min(audio.samples.size(), size_t(r.end * audio.sample_rate));
    out.audio.samples.insert(out.audio.samples.end(), audio.samples.begin() + long(from),
                             audio.samples.begin() + long(to));
  }
  return out;
}

}  // namespace yv::media

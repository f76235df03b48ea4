#include "tts/splice.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "media/audio_filter.h"

namespace yv::tts {
namespace {

constexpr double kEdgeSeconds = 0.010;  // kept around a cut, and faded over
constexpr float kSoundFloor = 0.01f;    // -40 dB of a piece's peak: below it, a cut is inaudible

float peak(const std::vector<float>& samples) {
  float p = 0;
  for (const float s : samples) p = std::max(p, std::abs(s));
  return p;
}

// Raised-cosine gain for step i of n, rising from 0 toward 1.
float rise(size_t i, size_t n) {
  return float(0.5 - 0.5 * std::cos(std::numbers::pi * (double(i) + 0.5) / double(n)));
}

}  // namespace

float speech_level(const std::vector<float>& samples, int sample_rate) {
  const size_t frame = std::max<size_t>(1, size_t(sample_rate / 100));
  std::vector<double> power;  // mean square of each frame
  for (size_t at = 0; at + frame <= samples.size(); at += frame) {
    double sum = 0;
    for (size_t i = at; i < at + frame; ++i) sum += double(samples[i]) * samples[i];
    power.push_back(sum / double(frame));
  }
  const double loudest = power.empty() ? 0 : *std::max_element(power.begin(), power.end());
  if (loudest <= 0) return 0;
  double sum = 0;
  size_t counted = 0;
  for (const double p : power) {
    if (p < loudest * 1e-3) continue;  // 30 dB below the loudest frame
    sum += p;
    ++counted;
  }
  return float(std::sqrt(sum / double(counted)));
}

void match_level(std::vector<float>& samples, int sample_rate, float level) {
  const float now = speech_level(samples, sample_rate);
  if (now <= 0) return;
  const float gain = std::min(level / now, 0.95f / peak(samples));
  for (float& s : samples) s *= gain;
}

std::vector<float> resample(const std::vector<float>& samples, int from, int to) {
  if (from == to) return samples;
  std::vector<float> out;
  out.reserve(size_t(double(samples.size()) * to / from) + 64);
  media::AudioFilter filter("anull", {{from, 1}}, {to, 1},
                            [&](const float* s, size_t frames) { out.insert(out.end(), s, s + frames); });
  filter.push(0, samples.data(), samples.size());
  filter.finish();
  return out;
}

std::vector<float> splice(const std::vector<SplicePiece>& pieces, int sample_rate) {
  const size_t edge = size_t(kEdgeSeconds * sample_rate);
  std::vector<const SplicePiece*> sounding;
  for (const auto& piece : pieces)
    if (peak(piece.samples) > 0) sounding.push_back(&piece);
  std::vector<float> out;
  for (size_t k = 0; k < sounding.size(); ++k) {
    const auto& samples = sounding[k]->samples;
    const float floor = kSoundFloor * peak(samples);
    const auto loud = [&](float s) { return std::abs(s) > floor; };
    const size_t first = size_t(std::find_if(samples.begin(), samples.end(), loud) - samples.begin());
    const size_t last = size_t(samples.rend() - std::find_if(samples.rbegin(), samples.rend(), loud));
    const bool cut_start = k > 0, cut_end = k + 1 < sounding.size();
    const size_t begin = cut_start ? first - std::min(first, edge) : 0;
    const size_t end = cut_end ? std::min(samples.size(), last + edge) : samples.size();
    if (cut_start) {
      const double pause = sounding[k]->pause_before * sample_rate - 2.0 * double(edge);
      out.insert(out.end(), size_t(std::max(0.0, pause)), 0.0f);
    }
    const size_t at = out.size();
    out.insert(out.end(), samples.begin() + long(begin), samples.begin() + long(end));
    const size_t fade = std::min(edge, end - begin);
    for (size_t i = 0; i < fade; ++i) {
      if (cut_start) out[at + i] *= rise(i, fade);
      if (cut_end) out[out.size() - 1 - i] *= rise(i, fade);
    }
  }
  return out;
}

}  // namespace yv::tts

#include "support/signals.h"

#include <cmath>
#include <numbers>

namespace yv::test {
namespace {
constexpr double kRate = 16000;

double note_hz(int semitones_from_a4) { return 440.0 * std::pow(2.0, semitones_from_a4 / 12.0); }

// Adds a plucked note (five harmonics, fast attack, exponential decay) at `start` seconds.
void add_note(std::vector<float>& out, double start, double length, double hz, double gain) {
  const auto from = size_t(start * kRate), to = std::min(out.size(), size_t((start + length) * kRate));
  for (size_t i = from; i < to; ++i) {
    const double t = double(i - from) / kRate;
    const double envelope = std::min(1.0, t / 0.01) * std::exp(-3.0 * t);
    double v = 0;
    for (int h = 1; h <= 5; ++h) v += std::sin(2 * std::numbers::pi * hz * h * t) / h;
    out[i] += float(gain * envelope * v);
  }
}
}  // namespace

std::vector<float> hiss(double seconds, float amplitude, uint32_t seed) {
  std::vector<float> out(size_t(seconds * kRate));
  for (float& x : out) x = float(int32_t(seed = seed * 1664525u + 1013904223u)) / 2147483648.0f * amplitude;
  return out;
}

std::vector<float> music(double seconds) {
  std::vector<float> out(size_t(seconds * kRate), 0.0f);
  // I - vi - IV - V in C, a bar each (2 s), melody in eighths over it.
  const int chords[4][3] = {{-9, -5, -2}, {-12, -9, -5}, {-16, -12, -9}, {-14, -10, -7}};
  const int melody[8] = {3, 7, 10, 7, 5, 3, 2, 0};
  for (double bar = 0; bar * 2 < seconds; ++bar) {
    const auto& chord = chords[int(bar) % 4];
    for (int n : chord) add_note(out, bar * 2, 2.0, note_hz(n), 0.05);
    add_note(out, bar * 2, 1.0, note_hz(chord[0] - 12), 0.1);
    add_note(out, bar * 2 + 1, 1.0, note_hz(chord[0] - 12), 0.1);
    for (int e = 0; e < 8; ++e)
      add_note(out, bar * 2 + e * 0.25, 0.25, note_hz(melody[(e + int(bar)) % 8]), 0.08);
  }
  return scaled_to_rms(std::move(out), 0.1);
}

std::vector<float> scaled_to_rms(std::vector<float> samples, double rms) {
  double sum = 0;
  for (float x : samples) sum += double(x) * x;
  const double now = std::sqrt(sum / double(std::max<size_t>(samples.size(), 1)));
  if (now == 0) return samples;
  for (float& x : samples) x = float(x * rms / now);
  return samples;
}

}  // namespace yv::test

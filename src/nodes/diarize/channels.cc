#include "nodes/diarize/channels.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "media/vad.h"
#include "nodes/diarize/mel.h"

namespace yv::diarize {
namespace {

constexpr int kFrameSamples = kSampleRate / 100;  // 10 ms

// Level of each 10 ms frame in dB (full scale).
std::vector<double> frame_levels(const media::Audio& audio) {
  std::vector<double> out(audio.samples.size() / kFrameSamples);
  for (size_t f = 0; f < out.size(); ++f) {
    double energy = 1e-12;
    for (int i = 0; i < kFrameSamples; ++i) {
      const double x = audio.samples[f * kFrameSamples + size_t(i)];
      energy += x * x;
    }
    out[f] = 10 * std::log10(energy / kFrameSamples);
  }
  return out;
}

// Whether each 10 ms frame lies in a speech region (the diarizer's settings: short bridges, no padding).
std::vector<bool> speech_frames(const media::Audio& audio, size_t frames) {
  std::vector<bool> out(frames, false);
  for (const auto& r : media::speech_regions(audio, {.bridge_seconds = 0.2, .pad_seconds = 0.0})) {
    const size_t from = size_t(std::lround(r.start * 100)),
                 to = std::min(frames, size_t(std::lround(r.end * 100)));
    for (size_t f = from; f < to; ++f) out[f] = true;
  }
  return out;
}

}  // namespace

Diarization diarize_channels(const std::vector<media::Audio>& channels, const std::atomic<bool>* cancelled,
                             const std::function<void(double)>& progress) {
  if (channels.size() < 2) {
    throw Error("invalid_parameter",
                "channel_mode per_channel needs a recording with one speaker per channel; this one has " +
                    std::to_string(channels.size()) +
                    " channel (keep the channels when extracting the audio, e.g. channels=2, or diarize the "
                    "original media)",
                400);
  }
  for (const auto& c : channels) {
    if (c.sample_rate != kSampleRate)
      throw Error("invalid_media", fmt::format("diarization needs 16 kHz audio, got {} Hz", c.sample_rate),
                  400);
    if (c.samples.size() != channels.front().samples.size())
      throw Error("invalid_media", "the channels have different lengths", 400);
  }
  const size_t frames = channels.front().samples.size() / kFrameSamples;
  std::vector<std::vector<double>> level;
  std::vector<std::vector<bool>> speech;
  for (size_t c = 0; c < channels.size(); ++c) {
    if (cancelled && cancelled->load()) throw Error("cancelled", "diarization was cancelled", 409);
    level.push_back(frame_levels(channels[c]));
    speech.push_back(speech_frames(channels[c], frames));
    if (progress) progress(0.9 * double(c + 1) / double(channels.size()));
  }
  Diarization out;
  const size_t min_run = size_t(std::lround(kMinTurnSeconds * 100));
  for (size_t c = 0; c < channels.size(); ++c) {
    const auto own = [&](size_t f) {
      if (!speech[c][f]) return false;
      for (size_t d = 0; d < channels.size(); ++d)
        if (d != c && speech[d][f] && level[d][f] - level[c][f] >= kBleedDb) return false;
      return true;
    };
    const std::string speaker = fmt::format("SPEAKER_{:02d}", c);
    bool spoke = false;
    for (size_t f = 0; f < frames;) {
      if (!own(f)) {
        ++f;
        continue;
      }
      size_t e = f;
      while (e < frames && own(e)) ++e;
      if (e - f >= min_run) {
        out.turns.push_back({double(f) / 100, double(e) / 100, speaker});
        spoke = true;
      }
      f = e;
    }
    if (spoke) out.speakers.push_back(speaker);
  }
  std::sort(out.turns.begin(), out.turns.end(), [](const Turn& a, const Turn& b) {
    return std::tie(a.start, a.speaker) < std::tie(b.start, b.speaker);
  });
  if (progress) progress(1.0);
  return out;
}

}  // namespace yv::diarize

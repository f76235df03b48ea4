#include "nodes/audio_separator/vocal_enhancement.h"

#include <algorithm>

namespace yv::audio_separator {
namespace {

constexpr int kEnhancementRate = 16000;  // GTCRN's
// Each stream first hears this much of the stem's start played backwards, whose output is dropped: GTCRN
// starts from empty caches and mutes much of the first half second it hears (jfk over jazz in fast mode:
// 22.6 -> 13.2 dB over the first second), so it is given the recording's own sound to settle on first.
constexpr size_t kLeadFrames = kEnhancementRate;  // 1 s

}  // namespace

VocalEnhancement::VocalEnhancement(const sherpa::DenoiserOptions& model, int sample_rate, int channels,
                                   Sink sink)
    : channels_(channels),
      sink_(std::move(sink)),
      enhanced_(size_t(channels)),
      down_("anull", {{sample_rate, channels}}, {kEnhancementRate, channels},
            [this](const float* s, size_t frames) { enhance(s, frames); }),
      up_("anull", {{kEnhancementRate, channels}}, {sample_rate, channels},
          [this](const float* s, size_t frames) { emit(s, frames); }) {
  denoisers_.reserve(size_t(channels));
  for (int c = 0; c < channels; ++c) denoisers_.emplace_back(model);
}

void VocalEnhancement::write(const float* interleaved, size_t frames) {
  written_ += frames;
  down_.push(0, interleaved, frames);
}

void VocalEnhancement::finish() {
  down_.finish();
  if (!started_) start();  // a stem shorter than the lead
  for (int c = 0; c < channels_; ++c) denoisers_[size_t(c)].finish(enhanced_[size_t(c)]);
  pass_on();
  up_.finish();
  // The resamplers round the length: the end is cut or filled with silence to the stem's.
  scratch_.assign((written_ - emitted_) * size_t(channels_), 0.0f);
  emit(scratch_.data(), written_ - emitted_);
}

void VocalEnhancement::enhance(const float* interleaved, size_t frames) {
  if (!started_) {
    lead_.insert(lead_.end(), interleaved, interleaved + frames * size_t(channels_));
    if (lead_.size() >= kLeadFrames * size_t(channels_)) start();
    return;
  }
  denoise(interleaved, frames);
}

void VocalEnhancement::start() {
  started_ = true;
  const size_t frames = lead_.size() / size_t(channels_);
  scratch_.resize(frames);
  for (int c = 0; c < channels_; ++c) {
    for (size_t i = 0; i < frames; ++i) scratch_[i] = lead_[(frames - 1 - i) * size_t(channels_) + size_t(c)];
    denoisers_[size_t(c)].write(scratch_.data(), frames, enhanced_[size_t(c)]);
  }
  unheard_ = frames;
  denoise(lead_.data(), frames);
  lead_ = {};
}

void VocalEnhancement::denoise(const float* interleaved, size_t frames) {
  scratch_.resize(frames);
  for (int c = 0; c < channels_; ++c) {
    for (size_t i = 0; i < frames; ++i) scratch_[i] = interleaved[i * size_t(channels_) + size_t(c)];
    denoisers_[size_t(c)].write(scratch_.data(), frames, enhanced_[size_t(c)]);
  }
  pass_on();
}

// Resamples back the frames every channel has enhanced.
void VocalEnhancement::pass_on() {
  size_t frames = enhanced_[0].size();
  for (const auto& channel : enhanced_) frames = std::min(frames, channel.size());
  // Output sample i is input sample i enhanced, so the lead's output comes first: dropped.
  const size_t dropped = std::min(frames, unheard_);
  for (auto& channel : enhanced_) channel.erase(channel.begin(), channel.begin() + std::ptrdiff_t(dropped));
  unheard_ -= dropped;
  frames -= dropped;
  if (frames == 0) return;
  scratch_.resize(frames * size_t(channels_));
  for (int c = 0; c < channels_; ++c) {
    auto& channel = enhanced_[size_t(c)];
    for (size_t i = 0; i < frames; ++i) scratch_[i * size_t(channels_) + size_t(c)] = channel[i];
    channel.erase(channel.begin(), channel.begin() + std::ptrdiff_t(frames));
  }
  up_.push(0, scratch_.data(), frames);
}

void VocalEnhancement::emit(const float* interleaved, size_t frames) {
  frames = std::min(frames, written_ - emitted_);
  if (frames == 0) return;
  emitted_ += frames;
  sink_(interleaved, frames);
}

}  // namespace yv::audio_separator

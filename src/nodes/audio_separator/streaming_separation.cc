#include "nodes/audio_separator/streaming_separation.h"

#include <algorithm>

#include "core/error.h"

namespace yv::audio_separator {
namespace {

constexpr size_t kStftWindow = 4096;

// f(stem of a, stem of b) for the vocals and the accompaniment.
template <typename A, typename B, typename F>
void each_stem(A& a, B& b, F f) {
  f(a.vocals, b.vocals);
  f(a.accompaniment, b.accompaniment);
}

}  // namespace

StreamingSeparation::StreamingSeparation(const sherpa::SourceSeparation& separation, Overlap overlap,
                                         Sink sink)
    : separation_(separation),
      overlap_(overlap),
      hop_(sherpa::kWindowSamples - std::min(sherpa::kWindowSamples, 2 * overlap.margin + overlap.crossfade)),
      sink_(std::move(sink)) {
  if (overlap.margin < kStftWindow || hop_ < sherpa::kWindowSamples / 2)
    throw Error("invalid_parameter", "the windows' margins and crossfade leave less than half a window");
  for (auto& channel : pending_) channel.assign(overlap.margin, 0.0f);
}

void StreamingSeparation::write(const float* interleaved, size_t frames) {
  for (size_t i = 0; i < frames;) {
    const size_t take = std::min(frames - i, sherpa::kWindowSamples - pending_[0].size());
    for (size_t c = 0; c < 2; ++c) {
      for (size_t j = i; j < i + take; ++j) pending_[c].push_back(interleaved[2 * j + c]);
    }
    i += take;
    written_ += take;
    if (pending_[0].size() == sherpa::kWindowSamples) run_window();
  }
}

void StreamingSeparation::finish() {
  while (emitted_ < written_) {
    for (auto& channel : pending_) channel.resize(sherpa::kWindowSamples, 0.0f);
    run_window();
  }
}

// The window starts `margin` samples before input sample emitted_: its trusted part from there on is this
// window's to give out, up to the next window's start (hop_ samples), the first `crossfade` of them faded in
// over the previous window's tail.
void StreamingSeparation::run_window() {
  const sherpa::Stems out = separation_.separate(pending_);
  const size_t count = std::min(hop_, written_ - emitted_);
  const size_t begin = overlap_.margin, fade = windows_ ? std::min(overlap_.crossfade, count) : 0;
  sherpa::Stems chunk;
  each_stem(chunk, out, [&](sherpa::StereoSamples& to, const sherpa::StereoSamples& from) {
    for (size_t c = 0; c < 2; ++c)
      to[c].assign(from[c].begin() + long(begin), from[c].begin() + long(begin + count));
  });
  each_stem(chunk, tail_, [&](sherpa::StereoSamples& to, const sherpa::StereoSamples& previous) {
    for (size_t c = 0; c < 2; ++c) {
      for (size_t i = 0; i < fade; ++i) {
        const float w = (float(i) + 0.5f) / float(overlap_.crossfade);
        to[c][i] = w * to[c][i] + (1 - w) * previous[c][i];
      }
    }
  });
  each_stem(tail_, out, [&](sherpa::StereoSamples& to, const sherpa::StereoSamples& from) {
    for (size_t c = 0; c < 2; ++c) {
      to[c].assign(from[c].begin() + long(begin + hop_),
                   from[c].begin() + long(begin + hop_ + overlap_.crossfade));
    }
  });
  sink_(chunk, count);
  emitted_ += count;
  ++windows_;
  for (auto& channel : pending_) channel.erase(channel.begin(), channel.begin() + long(hop_));
}

}  // namespace yv::audio_separator

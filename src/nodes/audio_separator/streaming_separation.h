// Separating a recording of any length in bounded memory: the input flows through fixed windows of
// sherpa::kWindowSamples (512 STFT frames, 11.96 s at 44.1 kHz: one U-Net segment, nothing padded) that
// overlap, and the stems flow out as they are finished.
//
// Each window's stems are trusted only `margin` samples away from its edges: the STFT there lacks frames, and
// the U-Net, whose view spans seconds around each frame, lacks context. Neighbouring windows share
// `crossfade` samples of trusted output, joined with linear weights that sum to one, so no seam is audible
// (Spleeter itself cuts its input into 512-frame segments that do not overlap). The input is preceded and
// followed by zeros, as Spleeter pads its input with a frame of zeros, so the first and last samples fall in
// a window's trusted part too. Windows advance by kWindowSamples - 2 margin - crossfade.
//
// Memory: one window of input (two channels), one window of each stem while it is separated (sherpa-onnx's
// STFT and U-Net activations for 512 frames beside it), and the crossfade tail of each stem.
#pragma once

#include <cstddef>
#include <functional>

#include "sherpa/source_separation.h"

namespace yv::audio_separator {

struct Overlap {
  size_t margin;     // samples dropped at each edge of a window
  size_t crossfade;  // samples two neighbouring windows share
};

class StreamingSeparation {
 public:
  // Finished stems, `frames` samples of each channel, in order and each sample once.
  using Sink = std::function<void(const sherpa::Stems& stems, size_t frames)>;

  // REQUIRES: 2 margin + crossfade well under a window (checked: "invalid_parameter" otherwise) and margin
  // at least one STFT window (4096).
  StreamingSeparation(const sherpa::SourceSeparation& separation, Overlap overlap, Sink sink);

  // Adds `frames` stereo samples (interleaved, at the separation's rate); runs each window that is complete.
  void write(const float* interleaved, size_t frames);
  // Separates what is left; the sink has then received as many frames as were written.
  void finish();

 private:
  void run_window();

  const sherpa::SourceSeparation& separation_;
  const Overlap overlap_;
  const size_t hop_;
  Sink sink_;
  sherpa::StereoSamples pending_;  // the current window's input so far, from its first sample
  sherpa::Stems tail_;             // the previous window's trusted output that overlaps this one
  size_t written_ = 0, emitted_ = 0, windows_ = 0;
};

}  // namespace yv::audio_separator

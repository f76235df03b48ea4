// The separated voice cleaned of what Spleeter left of the music: its vocal stem run through GTCRN speech
// enhancement (sherpa/speech_denoiser.h), streamed as the stems are.
//
// - After Spleeter rather than instead of it: on the mixture itself GTCRN keeps too much music (plain SDR 4-8
//   dB lower on two of the bench's four mixes), while on the stem it removes what Spleeter leaked (the
//   orchestra mix 6.0 -> 8.2 dB) and costs the others at most 0.1 dB at 0 dB (docs/architecture.md,
//   bench/RESULTS.md).
// - The stem (any rate, one or two channels) is resampled to GTCRN's 16 kHz with libswresample
//   (media/audio_filter.h), each channel enhanced on its own and the result resampled back: the output has
//   the stem's rate, channels and length, sample for sample in time with it, but nothing above 8 kHz (GTCRN's
//   band; speech needs no more, and the stem above it is mostly the music's cymbals and noise).
// - Each channel's stream first hears the stem's first second backwards, its output dropped: GTCRN starting
//   from silence mutes much of what it hears first.
// - Memory: the resamplers' look-ahead, the first second, and one STFT frame of each channel, whatever the
//   length.
#pragma once

#include <functional>
#include <vector>

#include "media/audio_filter.h"
#include "sherpa/speech_denoiser.h"

namespace yv::audio_separator {

class VocalEnhancement {
 public:
  // Enhanced frames, interleaved like the input, in order and each once.
  using Sink = std::function<void(const float* interleaved, size_t frames)>;

  // Loads the network once per channel (each channel is a stream of its own). Errors as
  // sherpa::SpeechDenoiser.
  VocalEnhancement(const sherpa::DenoiserOptions& model, int sample_rate, int channels, Sink sink);

  // Adds `frames` frames of the stem (interleaved, at the rate and channels given); passes on what is ready.
  void write(const float* interleaved, size_t frames);
  // Enhances what is left; the sink has then received as many frames as were written.
  void finish();

 private:
  void enhance(const float* interleaved, size_t frames);
  void start();
  void denoise(const float* interleaved, size_t frames);
  void pass_on();
  void emit(const float* interleaved, size_t frames);

  const int channels_;
  Sink sink_;
  std::vector<sherpa::SpeechDenoiser> denoisers_;
  std::vector<std::vector<float>> enhanced_;  // per channel, at 16 kHz, not yet resampled back
  std::vector<float> scratch_;
  std::vector<float> lead_;  // the stem's first second at 16 kHz, interleaved, until the streams start
  bool started_ = false;
  size_t unheard_ = 0;  // output frames of the backward lead still to drop
  size_t written_ = 0, emitted_ = 0;
  media::AudioFilter down_, up_;  // last: their sinks use the members above
};

}  // namespace yv::audio_separator

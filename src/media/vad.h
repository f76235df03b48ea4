// Voice activity: which parts of a recording hold speech, by Silero VAD (a small neural network trained on
// speech, noise and music) on whisper.cpp's ggml implementation (whisper_vad_*).
//
// Whisper invents text for silence, noise and music ("Thank you.", "[BLANK_AUDIO]"), and spends time on it:
// with vad_filter on, only the speech regions are transcribed (joined) and the times are mapped back. The
// diarizer embeds only speech regions, and a speaker turn never spans silence.
//
// Silero scores every 32 ms window (512 samples) with the probability that it is speech; regions are runs
// over `threshold` that end where the probability stays under threshold - 0.15 for `bridge_seconds`,
// widened by `pad_seconds` (whisper_vad_segments_from_probs, Silero's own rules; it also joins regions less
// than 0.2 s apart); a region with less than `min_speech_seconds` of windows over the threshold is dropped
// (Silero's rule measures the region, gaps included, which lets isolated windows of music through). Silero's
// scores fall with the level, so a quiet input is raised (by up to 40 dB, on a copy) before it is scored.
// Unlike the energy detector it replaced, it needs no pause to find a noise floor: loud speech without a
// pause and speech down to RMS 0.001 are kept, silence, hiss and music are not (tests/e2e/vad_test.cc,
// bench/RESULTS.md "Voice activity").
//
// The weights (PyPI silero-vad, converted by tools/silero_to_ggml.py) are the models layer's
// (whisper::vad_model_path()); they are loaded once per process, on first use. Detection is serialised
// (one whisper_vad_context) on one thread: a few milliseconds a second of audio (timed by hand, not in
// bench/), small beside transcription or diarization.
#pragma once

#include <vector>

#include "media/audio_decoder.h"

namespace yv::media {

struct SpeechRegion {
  double start = 0, end = 0;  // seconds in the original audio
  double offset = 0;          // where the region starts in the joined audio
};

struct SpeechOnly {
  Audio audio;                        // the regions, joined
  std::vector<SpeechRegion> regions;  // empty when there is no speech

  // A time in the joined audio, as a time in the original.
  double to_original(double t) const;
};

// Defaults are faster-whisper's for its vad_filter, except min_speech_seconds (Silero's and whisper.cpp's):
// long bridges and padding keep a sentence's context together for Whisper.
struct VadOptions {
  double threshold = 0.5;            // speech probability from which a window is speech
  double min_speech_seconds = 0.25;  // shorter regions are dropped (a click, a cough)
  double bridge_seconds = 2.0;       // quieter gaps shorter than this stay inside one region
  double pad_seconds = 0.4;          // added before and after each region (speech starts and ends softly)
};

// The speech regions of `audio` (16 kHz mono), in order; empty when nothing is speech.
// Throws yv::Error "invalid_media" (400) for another sample rate, "model_load_failed" (503) when the Silero
// model is not installed or cannot be loaded.
std::vector<SpeechRegion> speech_regions(const Audio& audio, const VadOptions& options = {});

// The speech regions of `audio`, joined. Throws what speech_regions throws.
SpeechOnly keep_speech(const Audio& audio, const VadOptions& options = {});

}  // namespace yv::media

// Joining speech from two voices into one sentence's samples (tts/code_switch.h): the pieces brought to one
// sample rate and one level, their inner edges cut to the sound with short fades, and a pause of a chosen
// length between them. Mono floats in [-1, 1] throughout.
#pragma once

#include <vector>

namespace yv::tts {

// The level of speech in `samples`: the RMS of its 10 ms frames within 30 dB of the loudest frame, so the
// pauses between words do not lower it. 0 for silence or nothing.
float speech_level(const std::vector<float>& samples, int sample_rate);

// Scales `samples` to speech_level `level`, but no further than a peak of 0.95 (no clipping). Silence stays.
void match_level(std::vector<float>& samples, int sample_rate, float level);

// `samples` at `from` Hz resampled to `to` Hz (libswresample, through media/audio_filter.h).
std::vector<float> resample(const std::vector<float>& samples, int from, int to);

struct SplicePiece {
  std::vector<float> samples;
  double pause_before = 0;  // seconds of silence between the previous piece's sound and this one's
};

// The pieces in order, at `sample_rate`. Where two pieces meet, each is cut to its sound (the first or last
// sample above -40 dB of its own peak) plus 10 ms, over which it fades in or out (a raised cosine: no click
// at the cut), and pause_before seconds of silence go between. The first piece's start and the last one's
// end are kept as the voice spoke them. Pieces of silence only are left out.
std::vector<float> splice(const std::vector<SplicePiece>& pieces, int sample_rate);

}  // namespace yv::tts

// Voice activity by energy: which parts of a recording hold sound above its own noise floor.
//
// Whisper invents text for silence and steady noise ("Thank you.", "[BLANK_AUDIO]"), and spends time on it:
// with vad_filter on, only the speech regions are transcribed (joined, each padded a little) and the times
// are mapped back. The diarizer embeds only speech regions, and a speaker turn never spans silence. The
// detector is deliberately simple: 30 ms frames, a threshold 12 dB over the 10th percentile frame energy and
// never below -50 dBFS, speech shorter than 250 ms ignored, gaps under 500 ms bridged (VadOptions). It
// removes silence and quiet hiss, not music or loud noise.
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

struct VadOptions {
  double bridge_seconds = 0.5;  // quieter gaps shorter than this stay inside one region
  double pad_seconds = 0.2;     // added before and after each region (speech starts and ends softly)
};

// The speech regions of `audio`, in order; empty when nothing rises over the floor.
std::vector<SpeechRegion> speech_regions(const Audio& audio, const VadOptions& options = {});

// The speech regions of `audio`, joined.
SpeechOnly keep_speech(const Audio& audio);

}  // namespace yv::media

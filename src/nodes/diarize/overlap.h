// Overlapped speech: where two people talk at once, from pyannote's segmentation network (segmentation.h).
//
// The network runs over 10 s chunks every 5 s (the last one ends with the input; shorter inputs are one
// chunk); each 10 ms frame takes the probability of the two-voice classes at the nearest frame of every chunk
// that covers it, averaged. Only the count is used: the network's local speakers are numbered afresh in every
// chunk, and who the second voice is comes from the speakers the diarizer already found (diarizer.h).
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "media/audio_decoder.h"
#include "nodes/diarize/segmentation.h"

namespace yv::diarize {

// The probability of two voices at once for each 10 ms frame of `audio` (16 kHz mono): `frames` values, 0
// where the input is shorter than the network's receptive field. Throws yv::Error "cancelled" (409) when
// `cancelled` is set and true; progress runs from `done` to `done + share`.
std::vector<float> overlap_probability(const SpeakerSegmentation& network, const media::Audio& audio,
                                       long frames, const std::atomic<bool>* cancelled,
                                       const std::function<void(double)>& progress, double done,
                                       double share);

// Who speaks second in each frame: for every frame whose `labels` entry is a speaker (>= 0) and whose overlap
// probability is over one half, the speaker of the nearest frame in time labelled with another speaker (the
// voice of the turn before or after, which is who interrupts or is interrupted: Otterson and Ostendorf,
// 2007); -1 elsewhere and where only one speaker was found.
std::vector<int> second_speakers(const std::vector<int>& labels, const std::vector<float>& overlap,
                                 int speakers);

}  // namespace yv::diarize

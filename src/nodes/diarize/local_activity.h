// What pyannote's segmentation network (segmentation.h) hears, put to three uses: overlapped speech (two
// people at once), speaker changes too quick for the embeddings, and speech Silero missed.
//
// The network runs over 10 s chunks every 2 s from just before the first speech (the last one ends with the
// input; shorter inputs are one chunk); each 10 ms frame takes the probability of the two-voice classes at
// the nearest frame of every chunk that covers it, averaged. The network's local speakers are numbered afresh
// in every chunk; who they are comes from the speakers the diarizer found with the embeddings (diarizer.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "media/audio_decoder.h"
#include "nodes/diarize/segmentation.h"

namespace yv::diarize {

// What the network hears in an input.
struct LocalActivity {
  size_t length = 0, chunk_frames = 0;  // samples and network frames per chunk
  std::vector<size_t> starts;           // each chunk's first sample
  std::vector<uint8_t> classes;         // [chunk][frame]: the most likely powerset class
  std::vector<float> overlap;           // per 10 ms frame: the probability of two voices at once
};

// The network over `audio` (16 kHz mono, `frames` 10 ms frames) whose first speech starts at sample
// `first_speech`; no chunks and overlap 0 where the input is shorter than the network's receptive field.
// Throws yv::Error "cancelled" (409) when `cancelled` is set and true; progress runs from `done` to `done +
// share`.
LocalActivity local_activity(const SpeakerSegmentation& network, const media::Audio& audio, long frames,
                             size_t first_speech, const std::atomic<bool>* cancelled,
                             const std::function<void(double)>& progress, double done, double share);

// Who each chunk's local speakers are: per chunk (in `activity.starts` order), for local speakers 0-2, the
// speaker (0..speakers-1) whose frames in `labels` (-1: no speech) that local speaker's single-voice frames
// carry most, one local speaker per speaker, largest shares first; -1 for a local speaker matched to nobody.
std::vector<int> name_local_speakers(const std::vector<int>& labels, const LocalActivity& activity,
                                     int speakers);

// Who speaks second in each frame: for every frame whose `labels` entry is a speaker (>= 0) and whose overlap
// probability says two voices (over 0.15 in a stretch that reaches 0.5), the speaker other than the frame's
// own that the chunks hearing two voices there name most (each chunk's two local speakers, as `named` matches
// them, weighed as in follow_local_speakers: pyannote's own reading of overlap); where no chunk names one,
// the speaker of the nearest frame in time labelled with another speaker (the voice of the turn before or
// after, which is who interrupts or is interrupted: Otterson and Ostendorf, 2007); -1 elsewhere and where
// only one speaker was found.
std::vector<int> second_speakers(const std::vector<int>& labels, const LocalActivity& activity,
                                 const std::vector<int>& named, int speakers);

// Speaker changes the embeddings are too coarse for (turns of half a second), and speech Silero missed (far
// from the microphone): a frame takes the speaker that the chunks covering it name (`named`, from the same
// `labels`) by more than half their weight (each chunk's reading weighed by a Hamming window over the chunk;
// a chunk hearing no voice, two voices or an unmatched one names nobody), speech or not before. A frame
// without speech before that more than half the weight hears as two voices is speech too: it takes the
// speaker the chunks name most as one of the pair (second_speakers then adds the other). A speaker that would
// keep less than a quarter of its frames that way keeps them all (the network does not decide who is there).
void follow_local_speakers(std::vector<int>& labels, const LocalActivity& activity,
                           const std::vector<int>& named, int speakers);

}  // namespace yv::diarize

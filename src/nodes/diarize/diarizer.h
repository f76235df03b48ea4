// Speaker diarization: who spoke when, from the audio alone.
//
// 1. Speech regions by Silero VAD (media/vad.h), with short bridging so that a pause between two speakers
//    splits their regions; the level is normalised to -30 dBFS over the speech, as the encoder was trained.
// 2. Who: GE2E embeddings (speaker_encoder.h) of 1.6 s windows every 0.2 s inside each region (a region
//    shorter than a window gets one window centred on it), clustered (clustering.h): the count given or
//    found by the eigengap of spectral clustering, the speakers from spectral's groups or seeded
//    agglomerative clustering to that count, whichever fits its windows closer (a count given that is more
//    than the voices found keeps those and adds the groups of windows least like them); long inputs
//    cluster groups of neighbouring windows (at most ~600 points). Then resegmentation (resegment.h) of those
//    windows. Where the count is unknown and one voice was found, two are taken instead when their windows
//    take turns (at least A B A B after resegmentation) and each voice is more like itself, half against
//    half, than like the other: real voices on one channel are often as alike to GE2E as one voice's two
//    halves on a short clip, and its measure of likeness depends on how many windows are averaged.
// 3. When: 0.5 s windows every 0.1 s, each starting with the speaker of the nearest long window, resegmented
//    once against the centroids that gives, with a switch penalty; every 10 ms frame of speech takes the
//    speaker of the nearest short window. Then pyannote's segmentation network (local_activity.h) corrects
//    that where most of the 10 s chunks around a frame (weighed) hear one local voice there that they match
//    to another speaker, and adds the frames Silero missed that way or that most chunks hear as two voices
//    (a speaker who would keep less than a quarter of its frames keeps them); runs shorter than 0.3 s join
//    their neighbours, and turns follow the runs.
// 4. Overlap: where the network finds two voices at once inside speech, a second speaker gets those frames
//    too (stretches of 0.1 s or more): the one the chunks pair with the frame's own, else the speaker of the
//    nearest turn of another voice (local_activity.h), so turns may overlap there. A GE2E cue
//    for overlap (a window nearer the mean of two speakers' centroids than its own speaker's) was measured
//    first and is no cue: docs/architecture.md, "Speaker diarization".
// Measured on real recordings (pyannote's sample call, AMI meeting excerpts): see bench/RESULTS.md.
// Silence-only and empty inputs give no turns and no speakers; speech shorter than a window gives one
// speaker.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "media/audio_decoder.h"
#include "nodes/diarize/segmentation.h"
#include "nodes/diarize/speaker_encoder.h"
#include "nodes/diarize/turns.h"

namespace yv::diarize {

struct DiarizeOptions {
  int num_speakers = 0;  // 0: find the count, within [min_speakers, max_speakers]
  int min_speakers = 1;
  int max_speakers = 8;
  const std::atomic<bool>* cancelled = nullptr;  // when set and true, throws "cancelled"
};

struct Diarization {
  // In order of start; two speakers' turns overlap where both talk at once.
  std::vector<Turn> turns;            // speakers SPEAKER_00, SPEAKER_01, ...
  std::vector<std::string> speakers;  // in order of first appearance
};

// Throws yv::Error "invalid_parameter" (400) unless 1 <= min_speakers <= max_speakers and num_speakers is 0
// or within them. diarize() checks too; callers check first to refuse before decoding any audio.
void check(const DiarizeOptions& options);

// `audio` must be 16 kHz mono. Throws yv::Error "invalid_parameter" (400) for inconsistent speaker counts,
// "invalid_media" (400) for another sample rate, "cancelled" (409).
Diarization diarize(const SpeakerEncoder& encoder, const SpeakerSegmentation& segmentation,
                    const media::Audio& audio, const DiarizeOptions& options,
                    const std::function<void(double fraction)>& progress = nullptr);

}  // namespace yv::diarize

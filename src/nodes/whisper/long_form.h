// Transcribing a media file of any length in bounded memory.
//
// The audio is decoded as a stream and transcribed in chunks of about chunk_seconds; each chunk ends at the
// quietest moment of its last seconds, so words are not cut in two. Segments and words are shifted to the
// file's time line; the language found (or given) for the first chunk holds for all. Every chunk gets the
// caller's initial_prompt; condition_on_previous_text is whisper.cpp's rolling context within a chunk. Chunks
// are not primed with the previous chunk's text: measured on 8.25 minutes of synthetic conversation (tiny.en,
// greedy), that prompt made transcription 2.6x slower (113 s against 43 s) and less accurate (WER 7.0%
// against 5.2%), which is also why a looped hour ran at RTF 0.23 where one minute ran at 0.09. Segments that
// are only a bracketed non-speech tag ("[BLANK_AUDIO]", "(music)"), which Whisper writes for silence and
// noise, are dropped. A chunk whose text loops (repetition.h) is decoded again without prompt and context and
// the less repetitive text kept; runs of one sentence repeated are cut to two. With the VAD on, speech that
// Whisper skipped inside a chunk is transcribed on its own (skipped_speech.h). Chunks are decoded `lanes` at
// a time (after the first, when the language is to be detected) and joined in order. Memory is `lanes` chunks
// of samples and Whisper's states for them, plus the transcript, however long the input: an hour needs no
// more than a minute.
#pragma once

#include <functional>
#include <string>

#include "nodes/whisper/model.h"

namespace yv::whisper {

struct LongFormOptions {
  // A minute: the memory of a one-minute input is the memory of any input (bench/long_form_bench.py).
  double chunk_seconds = 60;
  double search_seconds = 10;  // where, before a chunk's end, to look for the quietest cut
  bool vad_filter = false;     // transcribe only the speech regions (media/vad.h)
  // Chunks decoded at once, each on its own whisper state with threads / lanes threads (at most one lane per
  // thread). Two lanes of one thread beat one lane of two on 2 cores: a tiny model's graph is made of short
  // steps that a second thread speeds up by only 1.5x (bench/RESULTS.md).
  int lanes = 2;
};

// Called with each segment of the transcript once it is final (on the file's time line, its id set), in
// order, and the transcript's language: chunk by chunk, as the oldest chunk being decoded is joined to the
// rest, so a follower sees exactly the segments of the result, never a draft that a loop's second decoding
// replaces.
using SegmentFn = std::function<void(const Segment& segment, const std::string& language)>;

// `progress` is called from the lanes' threads, one call at a time, with a fraction that only grows;
// `segment` from the calling thread. Throws what media::AudioReader and Model::transcribe throw.
Transcript transcribe_file(const Model& model, const std::string& path, const TranscribeOptions& options,
                           const ProgressFn& progress = nullptr, LongFormOptions long_form = {},
                           const SegmentFn& segment = nullptr);

}  // namespace yv::whisper

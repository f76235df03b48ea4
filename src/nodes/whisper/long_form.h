// Transcribing a media file of any length in bounded memory.
//
// The audio is decoded as a stream and transcribed in chunks of about chunk_seconds; each chunk ends at the
// quietest moment of its last seconds, so words are not cut in two. Segments and words are shifted to the
// file's time line; the language found (or given) for the first chunk holds for all, and each chunk is
// primed with the text before it when condition_on_previous_text is on. Segments that are only a bracketed
// non-speech tag ("[BLANK_AUDIO]", "(music)"), which Whisper writes for silence and noise, are dropped.
// A chunk whose text loops (repetition.h) is decoded again without the prompt and the less repetitive text
// kept; runs of one sentence repeated are cut to two, and a looping chunk never primes the next one.
// Memory is one chunk of samples and Whisper's state for it, plus the transcript, however long the input: an
// hour needs no more than a minute.
#pragma once

#include <string>

#include "nodes/whisper/model.h"

namespace yv::whisper {

struct LongFormOptions {
  // A minute: the memory of a one-minute input is the memory of any input (bench/long_form_bench.py).
  double chunk_seconds = 60;
  double search_seconds = 10;  // where, before a chunk's end, to look for the quietest cut
  bool vad_filter = false;     // transcribe only the speech regions (media/vad.h)
};

// Throws what media::AudioReader and Model::transcribe throw.
Transcript transcribe_file(const Model& model, const std::string& path, const TranscribeOptions& options,
                           const ProgressFn& progress = nullptr, LongFormOptions long_form = {});

}  // namespace yv::whisper

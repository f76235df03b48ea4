// The batch mode of indextts.generate_speech: one audio file per dubbing segment of
// wservice.prepare_tts_segments (`prepared_segments`: {start, end, text, ...}), so that ffmpeg.fit_dubbing
// can lay each on its cue. The files are listed as `tts_segments` ({id, audio_path, start, end, text,
// duration}, fit_dubbing's own input) and as `audio_files`, paired by index with the segments.
//
// Every segment is checked before anything is spoken, and a refusal names every bad one: a synthesis that
// stopped at segment 40 of 60 would have spent minutes for nothing. The files go into a folder
// `segments.partial/` that is renamed to `segments/` once all are written, so a failure half-way (a
// cancellation, a full disk) leaves nothing a later stage could take for a whole dub. Memory is one
// sentence's samples: each segment is streamed to its file (spoken_file.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/node_registry.h"
#include "tts/voices.h"

namespace yv::indextts {

// The JSON Schema of one prepared segment, for the API document.
nlohmann::json prepared_segment_schema();

// A sentence for every segment of `segments` that cannot be spoken into a slot: not an object, start or end
// not a number >= 0, end not after start, text missing or with nothing to speak. Empty when all are fine
// (an empty list too: the API document allows it, and speak_segments refuses it when the stage runs).
std::vector<std::string> segment_problems(const nlohmann::json& segments);

// Speaks r.params["prepared_segments"] with `speaker`, one file per segment named after output_path
// (speech.wav: segments/speech_0000.wav, ...), and returns the outputs of this mode (tts_segments,
// audio_files, segments_count, duration, text_length, segments: sentences spoken). Throws yv::Error
// "invalid_parameter" (400) naming every bad segment (segment_problems) before speaking any,
// "invalid_input" (400) for no segments, "cancelled" (409) when cancelled.
nlohmann::json speak_segments(const engine::NodeRun& r, const tts::Speaker& speaker);

}  // namespace yv::indextts

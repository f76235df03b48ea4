// The parameters through which the wservice nodes take segments and speaker turns, and their submit-time
// check: inline data that cannot be read is refused before anything runs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/node_registry.h"

namespace yv::wservice {

// segments_file (falls back to the latest earlier stage's segments_file: a transcription's or a toolkit
// node's) and segments_data (inline, taking precedence).
std::vector<engine::ParamSpec> segment_params();

// diarization_file (falls back to pyannote_audio.diarize_speakers') and speaker_segments_data (inline).
std::vector<engine::ParamSpec> speaker_params();

// The JSON Schema of a timed word {start, end, word}, for parameters that take lists of them.
nlohmann::json word_schema();

// A sentence for each problem of inline segments_data / speaker_segments_data in `params`.
std::vector<std::string> check_inline_data(const nlohmann::json& params);

// Appends a sentence to `problems` when both `low` and `high` are in `params` and low exceeds high.
void check_order(const nlohmann::json& params, const char* low, const char* high,
                 std::vector<std::string>& problems);

// The node outputs' "segments_file": a toolkit node that writes segments names its file so, so that the
// next stage (a toolkit node, generate_subtitle_files) takes it by the upstream fallback.
inline constexpr const char* kSegmentsFile = "segments_file";

}  // namespace yv::wservice

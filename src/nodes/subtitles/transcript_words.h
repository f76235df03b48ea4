// Reading what earlier stages wrote: JSON files a node was given, speaker turns, and the timed words of a
// transcription with the speaker of each. Shared by the subtitle node and the subtitle toolkit (wservice.*).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "nodes/diarize/turns.h"
#include "nodes/subtitles/cues.h"

namespace yv::subtitles {

// The latest time a segment, word or turn may have, in seconds (about 115 days): times past it (or before 0)
// are refused, so that no count of frames or pieces computed from a time can overflow.
inline constexpr double kMaxSeconds = 1e7;

// The JSON of the file at `path`. Throws yv::Error "file_not_found" (404) when it cannot be read and
// "invalid_input" (400), naming `what`, when it is not JSON (or nests too deep: "json_too_deep").
nlohmann::json read_json(const std::string& path, const std::string& what);

// The turns of a diarization: its file's object ({"segments": [...]}) or the bare list of
// {start, end, speaker}. Throws yv::Error "invalid_input" naming `what` for anything else, a turn without
// numeric times within [0, kMaxSeconds] or with its end before its start.
std::vector<diarize::Turn> turns_of(const nlohmann::json& diarization, const std::string& what);

// The turns of a diarization file: RTTM when its name ends in .rttm, else JSON as turns_of reads it. Throws
// what read_json, turns_of and diarize::parse_rttm throw.
std::vector<diarize::Turn> read_turns(const std::string& path, const std::string& what);

// The speaker of the span [start, end]: the turn that overlaps it most, else the nearest turn within half a
// second (the recogniser's and the diarizer's word edges differ by a few frames, and a word in a short pause
// still belongs to someone), else none.
std::optional<std::string> speaker_of(const std::vector<diarize::Turn>& turns, double start, double end);

// The words of every segment of a transcription file ({"segments": [{start, end, text, words[{start, end,
// word}]}]}), in order; a segment without word timings counts as one word. Each word gets its speaker from
// `turns` (none when empty), once its timing is kept out of their pauses (word_pauses.h).
std::vector<Word> words_of(const nlohmann::json& transcript, const std::vector<diarize::Turn>& turns);

}  // namespace yv::subtitles

// The transcript segments the subtitle toolkit reads and writes.
//
// Every wservice node reads segments in any of the shapes earlier stages write: a transcription's file
// ({"language", "segments": [{start, end, text, words[{start, end, word}]}]}), the subtitle node's word-level
// JSON ({"cues": [...]}), a toolkit node's own file, or a bare list of segments given inline as
// `segments_data`. What they write has the transcription's shape plus "speaker" where known and
// "produced_by" (the node that wrote it), so that every later node, the subtitle node included, reads it as
// it reads a transcription.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "nodes/diarize/turns.h"
#include "nodes/subtitles/cues.h"

namespace yv::wservice {

struct Segment {
  double start = 0, end = 0;
  std::string text;
  std::optional<std::string> speaker;
  std::vector<subtitles::Word> words;  // empty when the source had no word timings
};

struct Transcript {
  std::string language;     // empty when the source did not say
  std::string produced_by;  // the node that wrote it, when it said or its shape tells
  std::vector<Segment> segments;
};

// What is wrong with `value` as segments (a list, or an object holding "segments" or "cues"): one sentence
// per problem, naming `what`; empty when it can be read. Used at submit on inline data and when reading.
std::vector<std::string> segment_problems(const nlohmann::json& value, const std::string& what);

// The same for a list of timed words [{start, end, word}] (the problem of its first bad word).
std::vector<std::string> word_problems(const nlohmann::json& words, const std::string& what);

// The words of a list word_problems finds nothing wrong with.
std::vector<subtitles::Word> parse_words(const nlohmann::json& words);

// The segments of `value` (see segment_problems). Throws yv::Error "invalid_input" with the problems.
Transcript parse_transcript(const nlohmann::json& value, const std::string& what);

// The segments a node was given: `segments_data` when present, else the JSON file `segments_file`. Throws
// yv::Error "invalid_parameter" when neither is there, and what parse_transcript and read_json throw.
Transcript load_transcript(const nlohmann::json& params);

// Whether `path` names a subtitle file read_subtitle_file reads (by its extension: .srt, .vtt, .ass).
bool is_subtitle_file(const std::string& path);

// The cues of a subtitle file as segments, one per cue (its lines joined; the speaker of a VTT voice tag or
// an ASS style). Throws yv::Error "invalid_input" naming `what` when it is not UTF-8 or does not parse.
Transcript read_subtitle_file(const std::string& path, const std::string& what);

// The speaker turns a node was given: `speaker_segments_data` when present, else the file
// `diarization_file`; nullopt when neither is there. Throws what subtitles::turns_of and read_json throw.
std::optional<std::vector<diarize::Turn>> load_turns(const nlohmann::json& params);

// load_turns' turns, required: throws yv::Error "invalid_parameter" when neither source is there.
std::vector<diarize::Turn> require_turns(const nlohmann::json& params);

// One segment as JSON {id, start, end, text, speaker (when known), words (when kept and any)}.
nlohmann::json segment_json(const Segment& segment, size_t id, bool with_words);

// The file form: {"language", "produced_by", "segments": [...]} with words.
nlohmann::json transcript_json(const Transcript& transcript);

// Writes transcript_json into `dir`/`name`; returns the path.
std::string write_transcript(const Transcript& transcript, const std::filesystem::path& dir,
                             const std::string& name);

}  // namespace yv::wservice

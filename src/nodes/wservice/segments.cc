#include "nodes/wservice/segments.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/files.h"
#include "nodes/subtitles/transcript_words.h"
#include "nodes/subtitles/validator.h"
#include "nodes/wservice/align.h"

namespace yv::wservice {
namespace {

using nlohmann::json;

bool is_span(const json& j) {
  return j.is_object() && j.value("start", json()).is_number() && j.value("end", json()).is_number() &&
         j["start"].get<double>() >= 0 && j["end"].get<double>() >= j["start"].get<double>() &&
         j["end"].get<double>() <= subtitles::kMaxSeconds;
}

const json* segment_list(const json& value) {
  if (value.is_array()) return &value;
  if (!value.is_object()) return nullptr;
  for (const char* key : {"segments", "cues"}) {
    if (value.contains(key) && value[key].is_array()) return &value[key];
  }
  return nullptr;
}

// Lenient where core/json_util.h's optional_string refuses: these are fields of files that earlier stages or
// users wrote, and a missing or mistyped label only loses that label.
std::string string_or_empty(const json& j, const char* key) {
  const json v = j.value(key, json());
  return v.is_string() ? v.get<std::string>() : "";
}

}  // namespace

std::vector<std::string> segment_problems(const json& value, const std::string& what) {
  const json* list = segment_list(value);
  if (!list) return {what + " is neither a list of segments nor an object with \"segments\" or \"cues\""};
  std::vector<std::string> problems;
  for (size_t i = 0; i < list->size() && problems.size() < 10; ++i) {
    const json& s = (*list)[i];
    const std::string where = what + " segment " + std::to_string(i);
    if (!is_span(s)) {
      problems.push_back(where + " has no numeric start >= 0 and end >= start (at most 10^7 s)");
      continue;
    }
    if (s.contains("text") && !s["text"].is_string()) problems.push_back(where + ": text is not a string");
    for (auto& p : word_problems(s.value("words", json::array()), where)) problems.push_back(std::move(p));
  }
  return problems;
}

std::vector<std::string> word_problems(const json& words, const std::string& what) {
  if (!words.is_array()) return {what + ": words is not a list"};
  for (size_t k = 0; k < words.size(); ++k) {
    if (!is_span(words[k]) || !words[k].value("word", json()).is_string())
      return {what + " word " + std::to_string(k) + " is not {start, end >= start, word}"};
  }
  return {};
}

std::vector<subtitles::Word> parse_words(const json& words) {
  std::vector<subtitles::Word> out;
  for (const auto& w : words) {
    subtitles::Word word{w["start"], w["end"], w["word"], std::nullopt};
    const std::string own = string_or_empty(w, "speaker");
    if (!own.empty()) word.speaker = own;
    out.push_back(std::move(word));
  }
  return out;
}

Transcript parse_transcript(const json& value, const std::string& what) {
  const auto problems = segment_problems(value, what);
  if (!problems.empty()) {
    std::string detail;
    for (const auto& p : problems) detail += (detail.empty() ? "" : "; ") + p;
    throw Error("invalid_input", detail);
  }
  Transcript t;
  if (value.is_object()) {
    t.language = string_or_empty(value, "language");
    t.produced_by = string_or_empty(value, "produced_by");
    // The files of the nodes that do not say: the subtitle node's JSON and the transcription's.
    if (t.produced_by.empty() && value.contains("cues")) t.produced_by = "wservice.generate_subtitle_files";
    if (t.produced_by.empty() && value.contains("language_probability"))
      t.produced_by = "faster_whisper.transcribe_audio";
  }
  for (const auto& s : *segment_list(value)) {
    Segment seg{s["start"], s["end"], string_or_empty(s, "text"), std::nullopt, {}};
    const std::string speaker = string_or_empty(s, "speaker");
    if (!speaker.empty()) seg.speaker = speaker;
    seg.words = parse_words(s.value("words", json::array()));
    if (seg.text.empty()) {
      for (const auto& w : seg.words) seg.text += w.text;
    }
    t.segments.push_back(std::move(seg));
  }
  return t;
}

Transcript load_transcript(const json& params) {
  if (params.contains("segments_data")) return parse_transcript(params["segments_data"], "segments_data");
  if (!params.contains("segments_file")) {
    throw Error("invalid_parameter",
                "give segments_file or segments_data (or run a transcription stage before this one)");
  }
  return parse_transcript(subtitles::read_json(params["segments_file"], "segments_file"), "segments_file");
}

namespace {

std::string extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext.empty() ? ext : ext.substr(1);
}

}  // namespace

bool is_subtitle_file(const std::string& path) {
  const std::string ext = extension(path);
  return ext == "srt" || ext == "vtt" || ext == "ass";
}

Transcript read_subtitle_file(const std::string& path, const std::string& what) {
  const std::string content = read_file(path);
  if (!is_utf8(content)) throw Error("invalid_input", what + " is not UTF-8 text");
  const auto v = subtitles::validate(content, extension(path), subtitles::Limits{});
  if (!v.valid()) throw Error("invalid_input", what + ": " + v.errors.front());
  Transcript t;
  for (const auto& cue : v.cues) {
    Segment s{cue.start, cue.end, "", cue.speaker, {}};
    for (const auto& line : cue.lines) append_text(s.text, line);
    t.segments.push_back(std::move(s));
  }
  return t;
}

std::optional<std::vector<diarize::Turn>> load_turns(const json& params) {
  if (params.contains("speaker_segments_data"))
    return subtitles::turns_of(params["speaker_segments_data"], "speaker_segments_data");
  if (params.contains("diarization_file"))
    return subtitles::read_turns(params["diarization_file"], "diarization_file");
  return std::nullopt;
}

std::vector<diarize::Turn> require_turns(const json& params) {
  auto turns = load_turns(params);
  if (!turns) {
    throw Error("invalid_parameter",
                "give diarization_file or speaker_segments_data (or run pyannote_audio.diarize_speakers "
                "before this stage)");
  }
  return *std::move(turns);
}

json segment_json(const Segment& s, size_t id, bool with_words) {
  json j = {{"id", id}, {"start", s.start}, {"end", s.end}, {"text", s.text}};
  if (s.speaker) j["speaker"] = *s.speaker;
  if (with_words && !s.words.empty()) {
    json words = json::array();
    for (const auto& w : s.words) {
      json word = {{"start", w.start}, {"end", w.end}, {"word", w.text}};
      if (w.speaker) word["speaker"] = *w.speaker;
      words.push_back(std::move(word));
    }
    j["words"] = std::move(words);
  }
  return j;
}

json transcript_json(const Transcript& t) {
  json segments = json::array();
  for (size_t i = 0; i < t.segments.size(); ++i) segments.push_back(segment_json(t.segments[i], i, true));
  return {{"language", t.language}, {"produced_by", t.produced_by}, {"segments", segments}};
}

std::string write_transcript(const Transcript& t, const std::filesystem::path& dir, const std::string& name) {
  const auto path = dir / name;
  write_file_atomically(path, transcript_json(t).dump(2) + "\n");
  return path.string();
}

}  // namespace yv::wservice

#include "nodes/subtitles/subtitle_node.h"

#include <algorithm>

#include "core/error.h"
#include "core/files.h"
#include "nodes/subtitles/compliance.h"
#include "nodes/subtitles/cues.h"
#include "nodes/subtitles/formats.h"
#include "nodes/subtitles/transcript_words.h"

namespace yv::subtitles {
namespace {

using engine::ParamType;
using nlohmann::json;

// One cue per transcription segment, for enable_optimization = false: the text as the recogniser cut it.
std::vector<Cue> segment_cues(const std::vector<Word>& words, const json& transcript, const Limits& limits) {
  std::vector<Cue> cues;
  size_t next = 0;
  for (const auto& segment : transcript.value("segments", json::array())) {
    const double end = segment.value("end", 0.0);
    std::vector<Word> own;
    while (next < words.size() && words[next].start < end) own.push_back(words[next++]);
    if (own.empty()) continue;
    Cue c = cue_of(std::move(own), limits);
    c.start = segment.value("start", c.start);
    c.end = end;
    cues.push_back(std::move(c));
  }
  return cues;
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const json transcript = read_json(p["segments_file"], "segments_file");
  const bool diarized = p.contains("diarization_file");
  const std::vector<diarize::Turn> turns =
      diarized ? read_turns(p["diarization_file"], "diarization_file") : std::vector<diarize::Turn>{};
  const std::string language = p.value("language", "auto") == "auto" ? transcript.value("language", "en")
                                                                     : p["language"].get<std::string>();
  Limits limits = Limits::for_language(language);
  if (p.contains("max_chars_per_line")) limits.max_chars_per_line = p["max_chars_per_line"];
  if (p.contains("max_cps")) limits.max_cps = p["max_cps"];
  limits.max_lines = p["max_lines"];
  limits.min_duration = p["min_duration"];
  limits.max_duration = p["max_duration"];
  limits.min_gap = p["min_gap"];
  if (limits.max_chars_per_line < 1 || limits.max_lines < 1 || limits.max_cps <= 0 ||
      limits.max_duration <= 0) {
    throw Error("invalid_parameter", "subtitle limits must be positive");
  }

  const std::vector<Word> words = words_of(transcript, turns);
  const std::vector<Cue> cues =
      p["enable_optimization"] ? build_cues(words, limits) : segment_cues(words, transcript, limits);
  if (r.cancelled) throw Error("cancelled", "subtitle generation was cancelled", 409);

  json files = json::object();
  json out = json::object();
  const auto write = [&](const std::string& name, const std::string& content) {
    const auto path = r.work_dir / name;
    write_file_atomically(path, content);
    return path.string();
  };
  for (const auto& format : p["formats"]) {
    const std::string f = format;
    files[f] = write("subtitles." + f, render(f, cues, language));
    out[f + "_path"] = files[f];
  }
  if (diarized)
    out["speaker_srt_path"] = write("subtitles.speakers.srt", render("srt", cues, language, true));
  out["subtitle_files"] = files;
  out["cue_count"] = cues.size();
  out["compliance"] = compliance(cues, limits);
  return out;
}

// A rule of cross_check, so that an unknown format is refused at submit, not after the stages before it ran.
std::vector<std::string> check_formats(const json& params) {
  const auto& known = supported_formats();
  std::vector<std::string> problems;
  for (const auto& f : params.value("formats", json::array())) {
    if (!f.is_string() || std::find(known.begin(), known.end(), f.get<std::string>()) == known.end())
      problems.push_back("formats: " + f.dump() + " is not one of srt, vtt, ass, ttml, txt, json");
  }
  return problems;
}

}  // namespace

engine::NodeSpec subtitle_node() {
  engine::NodeSpec n;
  n.name = "wservice.generate_subtitle_files";
  n.description = "Write subtitle files (SRT, VTT, ASS, TTML, TXT, word-level JSON) from a transcription";
  n.params = {
      {"segments_file", ParamType::kString, nullptr, true, false,
       "Segments file of faster_whisper.transcribe_audio"},
      {"diarization_file", ParamType::kString, nullptr, false, false, "Speaker turns, for speaker labels"},
      {"formats", ParamType::kArray, json::array({"srt", "vtt", "ass", "json"}), false, false,
       "Any of srt, vtt, ass, ttml, txt, json", nullptr, nullptr, nullptr, "",
       json{{"type", "string"}, {"enum", supported_formats()}}},
      {"language", ParamType::kString, "auto", false, true,
       "Language of the text (auto: the transcription's)"},
      {"enable_optimization", ParamType::kBoolean, true, false, true,
       "Re-segment on word timings to meet the limits below"},
      {"max_chars_per_line", ParamType::kInteger, nullptr, false, false,
       "Characters per line (42 Latin, 16 CJK)"},
      {"max_lines", ParamType::kInteger, 2, false, false, "Lines per cue"},
      {"max_cps", ParamType::kNumber, nullptr, false, false, "Characters per second (20 Latin, 9 CJK)"},
      {"min_duration", ParamType::kNumber, 0.833, false, false, "Shortest cue in seconds"},
      {"max_duration", ParamType::kNumber, 7.0, false, false, "Longest cue in seconds"},
      {"min_gap", ParamType::kNumber, 0.08, false, false, "Gap between cues in seconds (2 frames at 25 fps)"},
  };
  n.outputs = {"subtitle_files", "srt_path",  "vtt_path",         "ass_path",  "ttml_path",
               "txt_path",       "json_path", "speaker_srt_path", "cue_count", "compliance"};
  n.cross_check = check_formats;
  n.time_limit_seconds = 600;
  n.run = run;
  return n;
}

}  // namespace yv::subtitles

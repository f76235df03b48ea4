#include "nodes/wservice/rebuild_node.h"

#include "core/error.h"
#include "core/files.h"
#include "nodes/wservice/align.h"
#include "nodes/wservice/params.h"
#include "nodes/wservice/segments.h"

namespace yv::wservice {
namespace {

using engine::ParamType;
using nlohmann::json;
using subtitles::Word;

std::string edited_text(const json& p) {
  std::string text;
  if (p.contains("optimized_text")) {
    text = p["optimized_text"];
  } else if (p.contains("optimized_text_file")) {
    text = read_file(p["optimized_text_file"].get<std::string>());
  } else {
    throw Error("invalid_parameter", "give optimized_text or optimized_text_file");
  }
  if (!is_utf8(text)) throw Error("invalid_input", "the optimized text is not UTF-8");
  if (tokenize(text).empty()) throw Error("invalid_input", "the optimized text holds no words");
  return text;
}

// The transcript's words; a segment without word timings is one word.
std::vector<Word> transcript_words(const Transcript& t) {
  std::vector<Word> words;
  for (const auto& s : t.segments) {
    if (s.words.empty()) words.push_back({s.start, s.end, s.text, s.speaker});
    for (const auto& w : s.words)
      words.push_back({w.start, w.end, w.text, w.speaker ? w.speaker : s.speaker});
  }
  return words;
}

json report_of(const std::string& text, const Aligned& aligned) {
  json inserted = json::array(), deleted = json::array();
  size_t equal = 0, edited = 0;
  for (size_t i = 0; i < aligned.tokens.size(); ++i) {
    const auto& t = aligned.tokens[i];
    if (t.match == Match::kEqual) ++equal;
    if (t.match == Match::kEdited) ++edited;
    if (t.match == Match::kInserted) {
      inserted.push_back({{"index", i},
                          {"text", text.substr(t.token.begin, t.token.end - t.token.begin)},
                          {"start", t.start},
                          {"end", t.end}});
    }
  }
  for (const auto& w : aligned.deleted)
    deleted.push_back({{"text", w.text}, {"start", w.start}, {"end", w.end}});
  const size_t total = aligned.tokens.size();
  return {
      {"tokens", total},           {"unchanged", equal},
      {"edited", edited},          {"inserted", inserted.size()},
      {"deleted", deleted.size()}, {"aligned_share", total ? double(equal + edited) / double(total) : 0.0},
      {"unaligned", inserted},     {"dropped", deleted}};
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const Transcript source = load_transcript(p);
  const std::string text = edited_text(p);
  const Aligned aligned = align(text, transcript_words(source));
  const std::vector<Word> words = timed_words(text, aligned);

  const std::string given = p["language"];
  Transcript out;
  out.language = given != "auto" ? given : source.language.empty() ? "en" : source.language;
  out.produced_by = "wservice.rebuild_subtitle_with_words";
  subtitles::Limits limits = subtitles::Limits::for_language(out.language);
  if (p.contains("max_chars_per_line")) limits.max_chars_per_line = p["max_chars_per_line"];
  limits.max_lines = p["max_lines"];
  for (auto& cue : subtitles::build_cues(words, limits)) {
    Segment s{cue.start, cue.end, "", cue.speaker, std::move(cue.words)};
    for (const auto& w : s.words) s.text += w.text;
    out.segments.push_back(std::move(s));
  }
  const std::string file = write_transcript(out, r.work_dir, "optimized_segments.json");
  json report = report_of(text, aligned);
  json result = {{"optimized_segments_file", file},
                 {kSegmentsFile, file},
                 {"segments_count", out.segments.size()},
                 {"alignment",
                  {{"unchanged", report["unchanged"]},
                   {"edited", report["edited"]},
                   {"inserted", report["inserted"]},
                   {"deleted", report["deleted"]}}}};
  if (p["report"]) {
    const auto path = r.work_dir / "rebuild_report.json";
    write_file_atomically(path, report.dump(2) + "\n");
    result["report_file"] = path.string();
  }
  return result;
}

}  // namespace

engine::NodeSpec rebuild_subtitle_with_words_node() {
  engine::NodeSpec n;
  n.name = "wservice.rebuild_subtitle_with_words";
  n.description = "Re-time an edited transcript text on the original word timings and cut it into cues";
  n.params = segment_params();
  n.params.push_back({"optimized_text", ParamType::kString, nullptr, false, false,
                      "The edited text (takes precedence over optimized_text_file)"});
  n.params.push_back({"optimized_text_file", ParamType::kString, nullptr, false, false,
                      "A UTF-8 text file with the edited text"});
  n.params.push_back(
      {"language", ParamType::kString, "auto", false, true, "Language of the text (auto: the transcript's)"});
  n.params.push_back({"report", ParamType::kBoolean, true, false, false,
                      "Write report_file: the words that could not be aligned"});
  n.params.push_back({"max_chars_per_line", ParamType::kInteger, nullptr, false, false,
                      "Characters per line (42 Latin, 16 CJK)", 1, 1000});
  n.params.push_back({"max_lines", ParamType::kInteger, 2, false, false, "Lines per cue", 1, 10});
  n.cross_check = check_inline_data;
  n.outputs = {"optimized_segments_file", kSegmentsFile, "segments_count", "alignment", "report_file"};
  n.time_limit_seconds = 600;
  n.run = run;
  return n;
}

}  // namespace yv::wservice

#include "nodes/wservice/ai_optimize_text_node.h"

#include "core/error.h"
#include "core/files.h"
#include "core/wer.h"
#include "nodes/wservice/llm_params.h"
#include "nodes/wservice/params.h"
#include "nodes/wservice/segments.h"

namespace yv::wservice {
namespace {

using engine::ParamType;
using nlohmann::json;

constexpr size_t kBatchCharacters = 1500;  // of transcript per call: well inside a small model's context
constexpr size_t kBatchLines = 25;

const char* kPrompt =
    "You correct transcripts made by speech recognition, in {source_language}. Fix misheard words, "
    "punctuation "
    "and capitalisation. Never add, remove, reorder, summarise or translate anything; keep every line's "
    "meaning. You get JSON {\"lines\": [...]}; answer JSON {\"lines\": [...]} with exactly one corrected "
    "line "
    "for each line given, in the same order.";

// Consecutive ranges [begin, end) of the lines, each within the batch limits.
std::vector<std::pair<size_t, size_t>> batches(const std::vector<std::string>& lines) {
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t begin = 0; begin < lines.size();) {
    size_t end = begin, chars = 0;
    while (end < lines.size() && end - begin < kBatchLines &&
           (end == begin || chars + lines[end].size() <= kBatchCharacters))
      chars += lines[end++].size();
    out.emplace_back(begin, end);
    begin = end;
  }
  return out;
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const Transcript source = load_transcript(p);
  std::vector<std::string> lines;
  for (const auto& s : source.segments) lines.push_back(trimmed(s.text));
  if (lines.empty()) throw Error("invalid_input", "the transcript has no segments");
  const std::string language = p["language"] != "auto"   ? p["language"].get<std::string>()
                               : source.language.empty() ? "en"
                                                         : source.language;
  const llm::ChatClient client = llm_client(p, r.cancelled, 2048);
  const std::string prompt = system_prompt(p, kPrompt, language, language);
  const double max_change = p["max_change"];

  std::vector<std::string> out = lines;
  json rejected = json::array();
  size_t changed = 0;
  const auto ranges = batches(lines);
  for (size_t b = 0; b < ranges.size(); ++b) {
    const auto [begin, end] = ranges[b];
    const std::vector<std::string> given(lines.begin() + long(begin), lines.begin() + long(end));
    // As many lines as were given, which the provider holds the model to where it takes a schema.
    const json schema = {{"type", "object"},
                         {"properties",
                          {{"lines",
                            {{"type", "array"},
                             {"items", {{"type", "string"}}},
                             {"minItems", given.size()},
                             {"maxItems", given.size()}}}}},
                         {"required", {"lines"}},
                         {"additionalProperties", false}};
    const json answer = client.complete_json({{"system", prompt}, {"user", json{{"lines", given}}.dump()}},
                                             schema, [&](const json& a) -> std::string {
                                               if (!a.contains("lines") || !a["lines"].is_array())
                                                 return "it has no \"lines\" list";
                                               if (a["lines"].size() != given.size())
                                                 return "it has " + std::to_string(a["lines"].size()) +
                                                        " lines, not " + std::to_string(given.size());
                                               for (const auto& l : a["lines"])
                                                 if (!l.is_string()) return "a line is not a string";
                                               return "";
                                             });
    for (size_t i = begin; i < end; ++i) {
      const std::string proposed = trimmed(answer["lines"][i - begin]);
      if (proposed == lines[i]) continue;
      const double change = character_error_rate(lines[i], proposed).rate;
      if (proposed.empty() || change > max_change) {
        rejected.push_back(
            {{"index", i}, {"original", lines[i]}, {"proposed", proposed}, {"change", change}});
        continue;
      }
      out[i] = proposed;
      ++changed;
    }
    r.progress(double(b + 1) / double(ranges.size()));
  }

  std::string text;
  for (const auto& l : out) text += l + "\n";
  const auto file = r.work_dir / "optimized_text.txt";
  write_file_atomically(file, text);
  const json report = {{"provider", client.provider().name}, {"model", client.provider().model},
                       {"segments", lines.size()},           {"changed", changed},
                       {"rejected", rejected.size()},        {"max_change", max_change},
                       {"rejected_lines", rejected}};
  const auto report_file = r.work_dir / "optimize_report.json";
  write_file_atomically(report_file, report.dump(2) + "\n");
  return {{"optimized_text_file", file.string()},
          {"report_file", report_file.string()},
          {"segments_count", lines.size()},
          {"changed_count", changed},
          {"rejected_count", rejected.size()}};
}

}  // namespace

engine::NodeSpec ai_optimize_text_node() {
  engine::NodeSpec n;
  n.name = "wservice.ai_optimize_text";
  n.description =
      "Fix a transcript's recognition errors, punctuation and casing with an LLM, keeping its meaning";
  n.params = segment_params();
  for (auto& spec : llm_params()) n.params.push_back(std::move(spec));
  n.params.push_back({"language", ParamType::kString, "auto", false, true,
                      "Language of the transcript (auto: the transcript's)"});
  n.params.push_back({"max_change", ParamType::kNumber, 0.3, false, false,
                      "Largest character error rate between a line and its correction (case, spaces and "
                      "punctuation not counted); a correction beyond it is refused and the line kept",
                      0, 1});
  n.cross_check = check_inline_data;
  n.outputs = {"optimized_text_file", "report_file", "segments_count", "changed_count", "rejected_count"};
  n.time_limit_seconds = 3600;
  n.deterministic = false;
  n.run = run;
  return n;
}

}  // namespace yv::wservice

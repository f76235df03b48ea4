#include "nodes/wservice/translate_subtitles_node.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <tuple>

#include "core/error.h"
#include "core/files.h"
#include "nodes/subtitles/formats.h"
#include "nodes/wservice/align.h"
#include "nodes/wservice/llm_params.h"
#include "nodes/wservice/params.h"
#include "nodes/wservice/segments.h"

namespace yv::wservice {
namespace {

using engine::ParamType;
using nlohmann::json;

constexpr int kContextCues = 2;  // on each side
// Re-asks after a translation too long sample at this temperature: from 0.7 on, the 1.5B model's
// translations of one cue differed in length by up to a third from ask to ask (a 6 s cue: 65-106 characters).
constexpr double kResampleTemperature = 0.8;
// The share of a cue's budget stated to the model once it has answered too long: it overshoots what it is
// told. Four samples of a 6 s cue told 84 characters: 76-102; told 58: 75-84.
constexpr double kTighterBudget = 0.7;

const char* kPrompt =
    "You translate film subtitles from {source_language} into {target_language}. Translate only the cue in "
    "\"text\"; \"before\" and \"after\" are the neighbouring cues, given for context only. Use the "
    "glossary's translations for its terms. Keep the meaning; be concise: the translation must fit in "
    "\"max_characters\" characters. \"refused\", when given, lists translations of this cue already refused "
    "and why: give a different one without that fault. Answer JSON {\"translation\": \"...\"} in "
    "{target_language} only.";

struct Limits {
  int cpl = 42, lines = 1;
  double cps = 18;
};

// The most characters the cue may hold: cpl x lines, and no more than its duration allows at cps.
size_t max_characters(const Segment& s, const Limits& l) {
  const double by_speed = std::max(1.0, (s.end - s.start) * l.cps);
  return std::min(size_t(l.cpl) * size_t(l.lines), size_t(by_speed));
}

bool fits(const std::string& text, const Segment& s, const Limits& l) {
  if (subtitles::length(text) > max_characters(s, l)) return false;
  const auto lines = subtitles::break_lines(text, l.cpl, l.lines);
  return lines.size() <= size_t(l.lines) && std::all_of(lines.begin(), lines.end(), [&](const auto& line) {
           return subtitles::length(line) <= size_t(l.cpl);
         });
}

json context(const Transcript& t, size_t i, int from, int to) {
  json out = json::array();
  for (int k = from; k <= to; ++k) {
    const long j = long(i) + k;
    if (k != 0 && j >= 0 && j < long(t.segments.size())) out.push_back(trimmed(t.segments[size_t(j)].text));
  }
  return out;
}

// {"translation": "..."}, the answer's shape (the provider holds the model to it where it can).
const json& translation_schema() {
  static const json kSchema = {{"type", "object"},
                               {"properties", {{"translation", {{"type", "string"}}}}},
                               {"required", {"translation"}},
                               {"additionalProperties", false}};
  return kSchema;
}

std::string check_translation(const json& answer) {
  if (!answer.contains("translation") || !answer["translation"].is_string())
    return "it has no \"translation\" string";
  if (trimmed(answer["translation"]).empty()) return "the translation is empty";
  return "";
}

// What shows, by its script alone, that `text` is not in the `target` language: Chinese and Japanese are
// written with Han or kana characters, other languages without them. A small model sometimes copies the cue
// or answers in the cue's language; this catches that. Korean (Hangul, sometimes Han) is not checked.
bool in_target_script(const std::string& text, const std::string& target) {
  bool han_or_kana = false;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  for (int32_t i = 0, size = int32_t(text.size()); i < size && !han_or_kana;) {
    UChar32 c;
    U8_NEXT(bytes, i, size, c);
    han_or_kana = c >= 0 && unspaced(c);
  }
  const bool needs =
      target == "zh" || target == "ja" || target.starts_with("zh-") || target.starts_with("ja-");
  return target == "ko" || target.starts_with("ko-") || han_or_kana == needs;
}

struct Translated {
  std::string text;
  int asks = 0;
  bool fits = false;
  bool in_target_script = false;

  // Better: in the target script, then fitting the cue, then shorter.
  bool better_than(const Translated& other) const {
    return other.text.empty() ||
           std::tuple(in_target_script, fits, -long(subtitles::length(text))) >
               std::tuple(other.in_target_script, other.fits, -long(subtitles::length(other.text)));
  }
};

// The re-ask of a cue alone (the user message is its text), sampled at kResampleTemperature, with how long
// the answers refused as too long were but not their text, and then a budget of kTighterBudget of the real
// one. Measured with the 1.5B model on Mandarin cues cut mid-sentence (bench/RESULTS.md): with the neighbours
// in view it translated them too (260 characters for a 5 s cue, the same answer on every re-ask, the refused
// ones listed or not), and shown a refused answer to shorten it copied it word for word; given the cue alone
// it translated just that (64 characters).
std::string alone_prompt(const std::string& from, const std::string& target, size_t budget,
                         const std::vector<size_t>& too_long) {
  std::string lengths;
  for (size_t n : too_long) lengths += (lengths.empty() ? "" : ", ") + std::to_string(n);
  if (!too_long.empty()) budget = std::max<size_t>(1, size_t(double(budget) * kTighterBudget));
  return "Translate a " + language_name(from) + " film subtitle cue into " + language_name(target) +
         ". The cue is a piece of speech cut at a time mark, so it may begin or end in the middle of a "
         "sentence: translate exactly its words, nothing before or after them. Keep it short: at most " +
         std::to_string(budget) + " characters" +
         (lengths.empty() ? "" : "; translations of " + lengths + " characters were too long") +
         ". Answer JSON {\"translation\": \"...\"} in " + language_name(target) + " only.";
}

// The clients of one translation: `faithful` for the asks with context, `sampling` for the asks of a cue
// alone, where a low temperature gave the same answer on every ask.
struct Clients {
  const llm::ChatClient& faithful;
  const llm::ChatClient& sampling;
};

// Asks until an answer in the target language's script fits the cue, at most max_retries times more; else
// the best answer (Translated::better_than). The first ask gives the cue with its context. An answer too
// long is asked for again alone (alone_prompt). One not in the target script (or unusable) is asked for
// once more with the context, in a fresh conversation whose request lists the answers refused so far and why
// (told in a message of their own, small models translated the complaint itself, "That is not in English.",
// as if it were the cue), and alone after that: the 1.5B model answered one Mandarin cue in Chinese four
// times over with its context, and in English alone.
Translated translate_cue(const Clients& clients, const std::string& prompt, const Transcript& t, size_t i,
                         const json& glossary, const std::string& from, const std::string& target,
                         const Limits& limits, int max_retries) {
  const Segment& s = t.segments[i];
  const size_t budget = max_characters(s, limits);
  json request = {{"text", trimmed(s.text)},
                  {"before", context(t, i, -kContextCues, -1)},
                  {"after", context(t, i, 1, kContextCues)},
                  {"max_characters", budget}};
  if (s.speaker) request["speaker"] = *s.speaker;
  if (!glossary.empty()) request["glossary"] = glossary;
  Translated best;
  std::vector<size_t> too_long;  // the lengths of the answers in the target script refused as too long
  bool last_too_long = false;
  for (int ask = 0; ask <= max_retries; ++ask) {
    Translated answer;
    ++best.asks;
    try {
      const json got =
          last_too_long || ask >= 2
              ? clients.sampling.complete_json(
                    {{"system", alone_prompt(from, target, budget, too_long)}, {"user", trimmed(s.text)}},
                    translation_schema(), check_translation)
              : clients.faithful.complete_json({{"system", prompt}, {"user", request.dump()}},
                                               translation_schema(), check_translation);
      answer.text = trimmed(got["translation"]);
    } catch (const Error& e) {
      // An answer cut off by max_tokens (a model repeating itself inside the string) is unusable JSON even
      // under the schema's grammar. The next ask says so: the same request would sample the same answer from
      // a server with a fixed seed. Only a cue with no usable answer at all fails.
      if (e.code() != "llm_bad_answer" || (ask == max_retries && best.text.empty())) throw;
      request["refused"].push_back({{"translation", nullptr}, {"why", "it never ended: far too long"}});
      last_too_long = false;
      continue;
    }
    answer.in_target_script = in_target_script(answer.text, target);
    answer.fits = fits(answer.text, s, limits);
    if (answer.better_than(best)) {
      answer.asks = best.asks;
      best = answer;
    }
    if (best.in_target_script && best.fits) return best;
    last_too_long = answer.in_target_script;
    if (last_too_long) {
      too_long.push_back(subtitles::length(answer.text));
    } else {
      request["refused"].push_back(
          {{"translation", answer.text}, {"why", "not in " + language_name(target)}});
    }
  }
  return best;
}

std::vector<subtitles::Cue> cues_of(const Transcript& original, const Transcript& translated, bool bilingual,
                                    const Limits& l) {
  std::vector<subtitles::Cue> cues;
  for (size_t i = 0; i < translated.segments.size(); ++i) {
    const Segment& s = translated.segments[i];
    subtitles::Cue cue{s.start, s.end, {}, {}, s.speaker};
    if (bilingual) cue.lines.push_back(trimmed(original.segments[i].text));
    for (auto& line : subtitles::break_lines(s.text, l.cpl, l.lines)) cue.lines.push_back(std::move(line));
    cues.push_back(std::move(cue));
  }
  return cues;
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const std::string given_file = p.value("segments_file", "");
  const Transcript source = !p.contains("segments_data") && is_subtitle_file(given_file)
                                ? read_subtitle_file(given_file, "segments_file")
                                : load_transcript(p);
  if (source.segments.empty()) throw Error("invalid_input", "there are no cues to translate");
  const std::string target = p["target_language"];
  const std::string from = p["source_language"] != "auto" ? p["source_language"].get<std::string>()
                           : source.language.empty()      ? "en"
                                                          : source.language;
  const Limits limits{p["cpl_limit"], p["max_lines"], p["cps_limit"]};
  const int max_retries = p["max_retries"];
  const json glossary = p.value("glossary", json::object());
  const llm::ChatClient client = llm_client(p, r.cancelled, 512);
  const llm::ChatClient sampling = llm_client(p, r.cancelled, 512, kResampleTemperature);
  const std::string prompt = system_prompt(p, kPrompt, from, target);

  Transcript out;
  out.language = target;
  out.produced_by = "wservice.translate_subtitles";
  json over = json::array();
  size_t asks = 0;
  for (size_t i = 0; i < source.segments.size(); ++i) {
    const Translated t =
        translate_cue({client, sampling}, prompt, source, i, glossary, from, target, limits, max_retries);
    asks += size_t(t.asks);
    if (!t.fits) {
      over.push_back({{"index", i},
                      {"text", t.text},
                      {"characters", subtitles::length(t.text)},
                      {"max_characters", max_characters(source.segments[i], limits)}});
    }
    Segment s = source.segments[i];
    s.text = t.text;
    s.words.clear();  // the source's word timings do not belong to the translation's words
    out.segments.push_back(std::move(s));
    r.progress(double(i + 1) / double(source.segments.size()));
  }

  json file = transcript_json(out);
  for (size_t i = 0; i < source.segments.size(); ++i)
    file["segments"][i]["original_text"] = trimmed(source.segments[i].text);
  const auto path = r.work_dir / "translated_segments.json";
  write_file_atomically(path, file.dump(2) + "\n");
  const auto srt = r.work_dir / ("translated." + target + ".srt");
  write_file_atomically(srt, subtitles::render("srt", cues_of(source, out, false, limits), target));
  const size_t total = out.segments.size();
  json result = {{"translated_segments_file", path.string()},
                 {kSegmentsFile, path.string()},
                 {"srt_path", srt.string()},
                 {"segments_count", total},
                 {"within_limits_count", total - over.size()},
                 {"within_limits_share", double(total - over.size()) / double(total)},
                 {"over_limits", over},
                 {"llm_calls", asks},
                 {"provider", client.provider().name},
                 {"model", client.provider().model}};
  if (p["bilingual"]) {
    const auto cues = cues_of(source, out, true, limits);
    const auto bi_srt = r.work_dir / "bilingual.srt", bi_ass = r.work_dir / "bilingual.ass";
    write_file_atomically(bi_srt, subtitles::render("srt", cues, target));
    write_file_atomically(bi_ass, subtitles::render("ass", cues, target));
    result["bilingual_srt_path"] = bi_srt.string();
    result["bilingual_ass_path"] = bi_ass.string();
  }
  return result;
}

}  // namespace

engine::NodeSpec translate_subtitles_node() {
  engine::NodeSpec n;
  n.name = "wservice.translate_subtitles";
  n.description =
      "Translate subtitles cue by cue with an LLM, keeping every cue's timing and the subtitle limits";
  n.params = segment_params();
  n.params[0].description =
      "Segments JSON or a subtitle file (.srt, .vtt, .ass) (default: the latest earlier "
      "stage's segments_file)";
  for (auto& spec : llm_params()) n.params.push_back(std::move(spec));
  n.params.push_back({"target_language", ParamType::kString, nullptr, true, false,
                      "Language to translate into (zh, en, ja, ...)", nullptr, nullptr, nullptr,
                      "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$"});
  n.params.push_back({"source_language", ParamType::kString, "auto", false, false,
                      "Language of the subtitles (auto: the transcript's)", nullptr, nullptr, nullptr,
                      "^(auto|[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?)$"});
  n.params.push_back({"cpl_limit", ParamType::kInteger, 42, false, false, "Characters per line", 4, 200});
  n.params.push_back({"cps_limit", ParamType::kNumber, 18, false, false, "Characters per second", 1, 100});
  n.params.push_back({"max_lines", ParamType::kInteger, 1, false, false, "Lines per cue", 1, 4});
  n.params.push_back({"glossary", ParamType::kObject, nullptr, false, false,
                      "Terms and the translations to use for them {\"term\": \"translation\"}"});
  n.params.push_back({"bilingual", ParamType::kBoolean, false, false, false,
                      "Also write SRT and ASS files with the original above the translation"});
  n.cross_check = [](const json& params) {
    std::vector<std::string> problems = check_inline_data(params);
    if (params.contains("glossary") && params["glossary"].is_object()) {
      for (const auto& [term, translation] : params["glossary"].items())
        if (!translation.is_string()) problems.push_back("glossary entry '" + term + "' must be a string");
    }
    return problems;
  };
  n.outputs = {
      "translated_segments_file", kSegmentsFile,       "srt_path",  "segments_count", "within_limits_count",
      "within_limits_share",      "over_limits",       "llm_calls", "provider",       "model",
      "bilingual_srt_path",       "bilingual_ass_path"};
  n.time_limit_seconds = 7200;
  n.deterministic = false;
  n.run = run;
  return n;
}

}  // namespace yv::wservice

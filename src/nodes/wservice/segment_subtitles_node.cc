#include "nodes/wservice/segment_subtitles_node.h"

#include "core/error.h"
#include "core/files.h"
#include "nodes/subtitles/transcript_words.h"
#include "nodes/wservice/align.h"
#include "nodes/wservice/params.h"
#include "nodes/wservice/segments.h"
#include "nodes/wservice/sentences.h"

namespace yv::wservice {
namespace {

using engine::ParamType;
using nlohmann::json;
using subtitles::Word;

struct Source {
  std::string text;
  std::vector<Word> words;  // empty: untimed
  std::string language;
};

Source from_transcript(const Transcript& t) {
  Source s{"", {}, t.language};
  for (const auto& seg : t.segments) {
    append_text(s.text, seg.text);
    if (seg.words.empty()) s.words.push_back({seg.start, seg.end, seg.text, seg.speaker});
    s.words.insert(s.words.end(), seg.words.begin(), seg.words.end());
  }
  return s;
}

Source from_file(const std::string& path) {
  if (is_subtitle_file(path)) return from_transcript(read_subtitle_file(path, "subtitle_file"));
  if (path.ends_with(".json"))
    return from_transcript(parse_transcript(subtitles::read_json(path, "subtitle_file"), "subtitle_file"));
  const std::string content = read_file(path);
  if (!is_utf8(content)) throw Error("invalid_input", "subtitle_file is not UTF-8 text");
  return {content, {}, ""};
}

Source source_of(const json& p) {
  Source s;
  if (p.contains("subtitle_text")) {
    s.text = p["subtitle_text"];
  } else if (p.contains("subtitle_file")) {
    s = from_file(p["subtitle_file"]);
  } else if (p.contains("segments_data") || p.contains("segments_file")) {
    s = from_transcript(load_transcript(p));
  } else {
    throw Error("invalid_parameter", "give subtitle_text, subtitle_file, segments_file or segments_data");
  }
  if (p.contains("words")) {
    s.words = parse_words(p["words"]);
  } else if (s.words.empty() && (p.contains("subtitle_text") || p.contains("subtitle_file")) &&
             (p.contains("segments_data") || p.contains("segments_file"))) {
    s.words = from_transcript(load_transcript(p)).words;  // the transcription's timings for a given text
  }
  if (tokenize(s.text).empty()) throw Error("invalid_input", "the text to segment holds no words");
  return s;
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const Source source = source_of(p);
  const int max_chars = p["max_chars"];
  const std::vector<std::string> pieces = subtitle_segments(source.text, max_chars);

  Transcript out;
  const std::string language = p["language"];
  out.language = language != "auto" ? language : source.language;
  out.produced_by = "wservice.segment_subtitles";
  const bool timed = !source.words.empty();
  // The pieces on lines of their own: a line break is whitespace, so no token spans two pieces.
  std::string joined;
  std::vector<size_t> ends;
  for (const auto& piece : pieces) {
    joined += piece + "\n";
    ends.push_back(joined.size());
  }
  const Aligned aligned = align(joined, source.words);
  const std::vector<Word> words = timed_words(joined, aligned);
  size_t next = 0, longest = 0, total = 0, over = 0;
  for (size_t k = 0; k < pieces.size(); ++k) {
    Segment s;
    s.text = pieces[k];
    for (; next < words.size() && aligned.tokens[next].token.begin < ends[k]; ++next)
      s.words.push_back(words[next]);
    if (!s.words.empty()) {
      s.start = s.words.front().start;
      s.end = s.words.back().end;
    }
    const size_t length = subtitles::length(s.text);
    longest = std::max(longest, length);
    total += length;
    over += int(length) > max_chars ? 1 : 0;
    if (!timed) s.words.clear();
    out.segments.push_back(std::move(s));
  }
  json file = transcript_json(out);
  file["timed"] = timed;
  if (!timed) {
    for (auto& s : file["segments"]) {
      s.erase("start");
      s.erase("end");
    }
  }
  const auto path = r.work_dir / "segmented_subtitles.json";
  write_file_atomically(path, file.dump(2) + "\n");
  json result = {{"segmented_subtitle_file", path.string()},
                 {"statistics",
                  {{"segments", pieces.size()},
                   {"characters", total},
                   {"longest", longest},
                   {"average", pieces.empty() ? 0.0 : double(total) / double(pieces.size())},
                   {"over_max_chars", over},
                   {"timed", timed}}}};
  if (timed) result[kSegmentsFile] = path.string();
  return result;
}

std::vector<std::string> check(const json& p) {
  auto problems = check_inline_data(p);
  if (p.contains("words")) {
    for (auto& w : word_problems(p["words"], "words")) problems.push_back(std::move(w));
  }
  return problems;
}

}  // namespace

engine::NodeSpec segment_subtitles_node() {
  engine::NodeSpec n;
  n.name = "wservice.segment_subtitles";
  n.description = "Cut a text into subtitle segments by sentence and clause, timed by word timings";
  n.params = {
      {"subtitle_text", ParamType::kString, nullptr, false, false, "The text to segment"},
      {"subtitle_file", ParamType::kString, nullptr, false, false,
       "A file with the text: plain UTF-8, SRT, VTT, ASS, or segments JSON"},
      {"words", ParamType::kArray, nullptr, false, false, "Timed words [{start, end, word}] for the text",
       nullptr, nullptr, nullptr, "", word_schema()},
  };
  for (auto& s : segment_params()) n.params.push_back(std::move(s));
  n.params.push_back(
      {"max_chars", ParamType::kInteger, 42, false, false, "Longest segment in characters", 1, 1000});
  n.params.push_back({"language", ParamType::kString, "auto", false, true,
                      "Language of the text (auto: the transcript's, when there is one)"});
  n.cross_check = check;
  n.outputs = {"segmented_subtitle_file", "statistics", kSegmentsFile};
  n.time_limit_seconds = 300;
  n.run = run;
  return n;
}

}  // namespace yv::wservice

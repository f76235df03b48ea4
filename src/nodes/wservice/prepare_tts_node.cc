#include "nodes/wservice/prepare_tts_node.h"

#include "core/error.h"
#include "core/files.h"
#include "nodes/wservice/params.h"
#include "nodes/wservice/segments.h"
#include "nodes/wservice/tts_segments.h"

namespace yv::wservice {
namespace {

using engine::ParamType;
using nlohmann::json;

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(' ');
  return first == std::string::npos ? "" : s.substr(first, s.find_last_not_of(' ') + 1 - first);
}

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const Transcript t = load_transcript(p);
  const TtsLimits limits{p["max_duration"], p["max_gap"]};
  const double min_duration = p["min_duration"];
  json prepared = json::array();
  size_t short_ones = 0;
  for (const auto& s : prepare_tts(t.segments, limits)) {
    const Segment& seg = s.segment;
    const double duration = seg.end - seg.start;
    json j = {{"id", prepared.size()},
              {"start", seg.start},
              {"end", seg.end},
              {"duration", duration},
              {"text", trimmed(seg.text)},
              {"source_segments", s.sources},
              {"short", duration < min_duration}};
    if (seg.speaker) j["speaker"] = *seg.speaker;
    short_ones += duration < min_duration ? 1 : 0;
    prepared.push_back(std::move(j));
  }
  const std::string source = p.contains("segments_data") ? "segments_data"
                             : t.produced_by.empty()     ? "segments_file"
                                                         : t.produced_by;
  const auto path = r.work_dir / "tts_segments.json";
  write_file_atomically(path, json{{"source_stage", source}, {"segments", prepared}}.dump(2) + "\n");
  return {{"prepared_segments", prepared},
          {"source_stage", source},
          {"total_segments", prepared.size()},
          {"short_segments", short_ones},
          {"prepared_segments_file", path.string()}};
}

std::vector<std::string> check(const json& p) {
  auto problems = check_inline_data(p);
  check_order(p, "min_duration", "max_duration", problems);
  return problems;
}

}  // namespace

engine::NodeSpec prepare_tts_segments_node() {
  engine::NodeSpec n;
  n.name = "wservice.prepare_tts_segments";
  n.description = "Merge transcript segments into 3-10 s speech segments for dubbing";
  n.params = segment_params();
  n.params.push_back({"min_duration", ParamType::kNumber, 3.0, false, false,
                      "Segments shorter than this are marked short (they could not be merged)", 0, 600});
  n.params.push_back(
      {"max_duration", ParamType::kNumber, 10.0, false, false, "Longest segment in seconds", 0.5, 600});
  n.params.push_back(
      {"max_gap", ParamType::kNumber, 1.0, false, false, "Longest pause inside a segment in seconds", 0, 60});
  n.cross_check = check;
  n.outputs = {"prepared_segments", "source_stage", "total_segments", "short_segments",
               "prepared_segments_file"};
  n.time_limit_seconds = 300;
  n.run = run;
  return n;
}

}  // namespace yv::wservice

#include "nodes/diarize/validate_diarization_node.h"

#include <map>

#include "nodes/wservice/segments.h"

namespace yv::diarize {
namespace {

using engine::ParamType;
using nlohmann::json;

// The issues listed at most: a diarization of thousands of overlapping turns is summarised by its counts.
constexpr size_t kMaxListed = 1000;

struct Issues {
  json list = json::array();
  json by_type = json::object();
  size_t errors = 0, total = 0;

  void add(const std::string& type, const std::string& severity, double start, double end,
           const std::string& detail) {
    ++total;
    errors += severity == "error" ? 1 : 0;
    by_type[type] = by_type.value(type, 0) + 1;
    if (list.size() < kMaxListed)
      list.push_back(
          {{"type", type}, {"severity", severity}, {"start", start}, {"end", end}, {"detail", detail}});
  }
};

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const std::vector<Turn> turns = wservice::require_turns(p);
  const double min_turn = p["min_turn_duration"], max_gap = p["max_gap"];
  Issues issues;
  if (turns.empty()) issues.add("empty", "error", 0, 0, "the diarization has no turns");
  std::map<std::string, const Turn*> last_of;  // each speaker's latest turn so far
  std::map<std::string, int> count;
  const Turn* previous = nullptr;
  double latest_end = 0, total = 0;
  for (const auto& t : turns) {
    const double duration = t.end - t.start;
    total += duration;
    ++count[t.speaker];
    if (duration <= 0) {
      issues.add("zero_duration", "error", t.start, t.end, t.speaker + " has a turn of no length");
    } else if (duration < min_turn) {
      issues.add("short_turn", "warning", t.start, t.end,
                 t.speaker + " speaks " + std::to_string(duration) + " s");
    }
    if (previous && t.start < previous->start)
      issues.add("unsorted", "error", t.start, t.end, "the turn starts before the one listed before it");
    if (previous && t.start - latest_end > max_gap) {
      issues.add("long_gap", "warning", latest_end, t.start,
                 std::to_string(t.start - latest_end) + " s without a speaker");
    }
    if (auto it = last_of.find(t.speaker); it != last_of.end() && t.start < it->second->end) {
      issues.add("self_overlap", "error", t.start, std::min(t.end, it->second->end),
                 t.speaker + "'s turns overlap each other");
    }
    for (const auto& [speaker, turn] : last_of) {
      if (speaker != t.speaker && t.start < turn->end) {
        issues.add("overlap", "warning", t.start, std::min(t.end, turn->end),
                   speaker + " and " + t.speaker + " speak at once");
      }
    }
    last_of[t.speaker] = &t;
    latest_end = std::max(latest_end, t.end);
    previous = &t;
  }
  for (const auto& [speaker, n] : count) {
    const Turn& only = *last_of[speaker];
    if (n == 1 && only.end - only.start < min_turn)
      issues.add("lone_speaker", "warning", only.start, only.end, speaker + " has a single short turn");
  }
  return {{"valid", issues.errors == 0},
          {"total_segments", turns.size()},
          {"total_speakers", count.size()},
          {"total_duration", total},
          {"avg_segment_duration", turns.empty() ? 0.0 : total / double(turns.size())},
          {"issues", issues.list},
          {"summary",
           {{"errors", issues.errors},
            {"warnings", issues.total - issues.errors},
            {"issues_by_type", issues.by_type},
            {"speech_span", latest_end}}}};
}

}  // namespace

engine::NodeSpec validate_diarization_node() {
  engine::NodeSpec n;
  n.name = "pyannote_audio.validate_diarization";
  n.description = "Check a diarization for overlaps, too-short turns and gaps";
  n.params = {
      {"diarization_file", ParamType::kString, nullptr, false, false,
       "Diarization JSON or RTTM (default: pyannote_audio.diarize_speakers' diarization_file)"},
      {"min_turn_duration", ParamType::kNumber, 0.3, false, false, "Turns shorter than this are reported", 0,
       60},
      {"max_gap", ParamType::kNumber, 5.0, false, false, "Gaps longer than this are reported", 0, 3600},
  };
  n.outputs = {"valid",  "total_segments", "total_speakers", "total_duration", "avg_segment_duration",
               "issues", "summary"};
  n.time_limit_seconds = 120;
  n.run = run;
  return n;
}

}  // namespace yv::diarize

#include "nodes/diarize/speaker_segments_node.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "nodes/wservice/segments.h"

namespace yv::diarize {
namespace {

using engine::ParamType;
using nlohmann::json;

json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const std::vector<Turn> turns = wservice::require_turns(p);
  const auto talk = talk_time(turns);
  const std::string wanted = p.value("speaker", "");
  if (!wanted.empty() && !talk.contains(wanted)) {
    std::string known;
    for (const auto& [speaker, seconds] : talk) known += (known.empty() ? "" : ", ") + speaker;
    throw Error("invalid_parameter", "speaker '" + wanted + "' has no turns in the diarization (speakers: " +
                                         (known.empty() ? "none" : known) + ")");
  }
  json segments = json::array();
  std::map<std::string, json> stats;
  double total = 0;
  for (const auto& t : turns) {
    const double duration = t.end - t.start;
    total += duration;
    json& s = stats[t.speaker];
    if (s.is_null()) s = {{"segments", 0}, {"total_duration", 0.0}, {"first_start", t.start}};
    s["segments"] = s["segments"].get<int>() + 1;
    s["total_duration"] = s["total_duration"].get<double>() + duration;
    s["first_start"] = std::min(s["first_start"].get<double>(), t.start);
    s["last_end"] = std::max(s.value("last_end", t.end), t.end);
    if (wanted.empty() || t.speaker == wanted)
      segments.push_back(
          {{"start", t.start}, {"end", t.end}, {"duration", duration}, {"speaker", t.speaker}});
  }
  json statistics = json::object();
  for (auto& [speaker, s] : stats) {
    const double seconds = s["total_duration"];
    s["average_duration"] = seconds / s["segments"].get<double>();
    s["share"] = total > 0 ? seconds / total : 0.0;
    statistics[speaker] = s;
  }
  double selected = 0;
  for (const auto& s : segments) selected += s["duration"].get<double>();
  json summary = {{"speaker", wanted.empty() ? json(nullptr) : json(wanted)},
                  {"total_segments", segments.size()},
                  {"total_duration", selected},
                  {"total_speakers", talk.size()}};
  json out = {{"segments", segments}, {"summary", summary}, {"total_segments", segments.size()}};
  if (wanted.empty()) out["speaker_statistics"] = statistics;
  return out;
}

}  // namespace

engine::NodeSpec speaker_segments_node() {
  engine::NodeSpec n;
  n.name = "pyannote_audio.get_speaker_segments";
  n.description = "The turns of one speaker of a diarization, or all turns with statistics per speaker";
  n.params = {
      {"diarization_file", ParamType::kString, nullptr, false, false,
       "Diarization JSON or RTTM (default: pyannote_audio.diarize_speakers' diarization_file)"},
      {"speaker", ParamType::kString, nullptr, false, false, "Only this speaker's turns (e.g. SPEAKER_00)"},
  };
  n.outputs = {"segments", "summary", "total_segments", "speaker_statistics"};
  n.time_limit_seconds = 120;
  n.run = run;
  return n;
}

}  // namespace yv::diarize

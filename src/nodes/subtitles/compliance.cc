#include "nodes/subtitles/compliance.h"

namespace yv::subtitles {
namespace {

// Timings are written in milliseconds; comparisons allow for that rounding.
constexpr double kEpsilon = 0.0015;

}  // namespace

std::vector<std::string> violations(const std::vector<Cue>& cues, size_t index, const Limits& limits) {
  const Cue& c = cues[index];
  std::vector<std::string> broken;
  double chars = 0;
  bool long_line = false;
  for (const auto& line : c.lines) {
    chars += double(length(line));
    long_line = long_line || int(length(line)) > limits.max_chars_per_line;
  }
  const double duration = c.end - c.start;
  if (long_line) broken.push_back("max_chars_per_line");
  if (int(c.lines.size()) > limits.max_lines) broken.push_back("max_lines");
  if (duration > 0 && chars / duration > limits.max_cps + 1e-9) broken.push_back("max_cps");
  if (duration + kEpsilon < limits.min_duration) broken.push_back("min_duration");
  if (duration > limits.max_duration + kEpsilon) broken.push_back("max_duration");
  if (index + 1 < cues.size() && cues[index + 1].start - c.end + kEpsilon < limits.min_gap)
    broken.push_back("min_gap");
  if (index > 0 && c.start + kEpsilon < cues[index - 1].end) broken.push_back("order");
  return broken;
}

nlohmann::json compliance(const std::vector<Cue>& cues, const Limits& limits) {
  nlohmann::json counts = nlohmann::json::object();
  nlohmann::json violating = nlohmann::json::array();
  size_t compliant = 0;
  for (size_t i = 0; i < cues.size(); ++i) {
    const auto broken = violations(cues, i, limits);
    if (broken.empty()) {
      ++compliant;
      continue;
    }
    for (const auto& name : broken) counts[name] = counts.value(name, 0) + 1;
    if (violating.size() < 100)
      violating.push_back({{"index", i}, {"start", cues[i].start}, {"limits", broken}});
  }
  return {{"cue_count", cues.size()},
          {"compliant_cues", compliant},
          {"share", cues.empty() ? 1.0 : double(compliant) / double(cues.size())},
          {"violations", counts},
          {"violating_cues", violating}};
}

}  // namespace yv::subtitles

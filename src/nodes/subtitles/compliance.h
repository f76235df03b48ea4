// How well cues keep the limits they were built for: the `compliance` output of the subtitle node, and the
// checks of our subtitle validator.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nodes/subtitles/cues.h"

namespace yv::subtitles {

// The limits cue `index` breaks, by name: "max_chars_per_line", "max_lines", "max_cps", "min_duration",
// "max_duration", "min_gap" (to the next cue), "order" (starts before the previous cue ends).
std::vector<std::string> violations(const std::vector<Cue>& cues, size_t index, const Limits& limits);

// {"cue_count", "compliant_cues", "share" (0-1), "violations": {limit: count}, "violating_cues": [{index,
// start, limits: [...]}]} (the list is capped at 100 entries).
nlohmann::json compliance(const std::vector<Cue>& cues, const Limits& limits);

}  // namespace yv::subtitles

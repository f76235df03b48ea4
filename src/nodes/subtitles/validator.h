// Our subtitle validator: parses an SRT, WebVTT or ASS file back into cues, reports every structural error
// (numbering, timestamp syntax, empty cues, a missing header or section) and checks the cues against the
// style limits (compliance.h). The subtitle node's output is held to it in the tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nodes/subtitles/cues.h"

namespace yv::subtitles {

struct Validation {
  std::vector<std::string> errors;  // structural: "line 7: bad timestamp '00:00:1,000'"
  std::vector<Cue> cues;            // what could be parsed
  nlohmann::json compliance;        // compliance() of the parsed cues
  bool valid() const { return errors.empty(); }
};

// `format` is srt, vtt or ass (by content; the file name does not matter).
Validation validate(const std::string& content, const std::string& format, const Limits& limits);

}  // namespace yv::subtitles

// Speaker turns ("who spoke when") and their NIST RTTM form, the interchange format of diarization tools.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace yv::diarize {

struct Turn {
  double start = 0, end = 0;  // seconds
  std::string speaker;
};

// "SPEAKER <file> 1 <start> <duration> <NA> <NA> <speaker> <NA> <NA>" lines, one per turn, times to the ms.
std::string to_rttm(const std::vector<Turn>& turns, std::string_view file_id);

// The SPEAKER lines of an RTTM text; other line types and blank lines are skipped.
// Throws yv::Error "invalid_rttm" (400) for a SPEAKER line without a number where start and duration belong.
std::vector<Turn> parse_rttm(std::string_view text);

// Seconds spoken by each speaker.
std::map<std::string, double> talk_time(const std::vector<Turn>& turns);

}  // namespace yv::diarize

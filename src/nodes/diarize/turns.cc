#include "nodes/diarize/turns.h"

#include <spdlog/fmt/fmt.h>

#include <sstream>

#include "core/error.h"

namespace yv::diarize {

std::string to_rttm(const std::vector<Turn>& turns, std::string_view file_id) {
  std::string out;
  for (const auto& t : turns) {
    out += fmt::format("SPEAKER {} 1 {:.3f} {:.3f} <NA> <NA> {} <NA> <NA>\n", file_id, t.start,
                       t.end - t.start, t.speaker);
  }
  return out;
}

std::vector<Turn> parse_rttm(std::string_view text) {
  std::vector<Turn> turns;
  std::istringstream lines{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    std::istringstream fields(line);
    std::string type, file, channel, onset, duration, ortho, stype, speaker;
    if (!(fields >> type) || type != "SPEAKER") continue;
    fields >> file >> channel >> onset >> duration >> ortho >> stype >> speaker;
    try {
      size_t used_onset = 0, used_duration = 0;
      const double start = std::stod(onset, &used_onset), length = std::stod(duration, &used_duration);
      if (used_onset != onset.size() || used_duration != duration.size() || speaker.empty()) throw 0;
      turns.push_back({start, start + length, speaker});
    } catch (...) {
      throw Error("invalid_rttm", fmt::format("RTTM line {} is not a SPEAKER turn: {}", number, line), 400);
    }
  }
  return turns;
}

std::map<std::string, double> talk_time(const std::vector<Turn>& turns) {
  std::map<std::string, double> out;
  for (const auto& t : turns) out[t.speaker] += t.end - t.start;
  return out;
}

}  // namespace yv::diarize

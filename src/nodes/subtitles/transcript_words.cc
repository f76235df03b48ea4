#include "nodes/subtitles/transcript_words.h"

#include <fstream>

#include "core/error.h"
#include "core/files.h"
#include "core/json_util.h"
#include "nodes/subtitles/word_pauses.h"

namespace yv::subtitles {

using nlohmann::json;

json read_json(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw Error("file_not_found", "文件不存在: " + path, 404);
  try {
    return parse_json_bounded(in, what);
  } catch (const json::parse_error& e) {
    throw Error("invalid_input", what + " is not valid JSON: " + e.what());
  }
}

std::vector<diarize::Turn> turns_of(const json& diarization, const std::string& what) {
  const json& list = diarization.is_object() ? diarization.value("segments", json()) : diarization;
  if (!list.is_array()) throw Error("invalid_input", what + " holds no list of speaker turns");
  std::vector<diarize::Turn> turns;
  for (const auto& t : list) {
    if (!t.is_object() || !t.value("start", json()).is_number() || !t.value("end", json()).is_number() ||
        !t.value("speaker", json()).is_string() || t["start"].get<double>() < 0 ||
        t["end"].get<double>() < t["start"].get<double>() || t["end"].get<double>() > kMaxSeconds) {
      throw Error("invalid_input", what + ": turn " + std::to_string(turns.size()) +
                                       " is not {start >= 0, end >= start, speaker}: " + t.dump());
    }
    turns.push_back({t["start"], t["end"], t["speaker"]});
  }
  return turns;
}

std::vector<diarize::Turn> read_turns(const std::string& path, const std::string& what) {
  if (path.ends_with(".rttm")) return diarize::parse_rttm(read_file(path));
  return turns_of(read_json(path, what), what);
}

std::optional<std::string> speaker_of(const std::vector<diarize::Turn>& turns, double start, double end) {
  constexpr double kReach = 0.5;
  const diarize::Turn* best = nullptr;
  double best_score = -kReach;
  for (const auto& turn : turns) {
    const double overlap = std::min(end, turn.end) - std::max(start, turn.start);  // negative: the gap
    if (overlap > best_score) {
      best_score = overlap;
      best = &turn;
    }
  }
  if (!best) return std::nullopt;
  return best->speaker;
}

std::vector<Word> words_of(const json& transcript, const std::vector<diarize::Turn>& turns) {
  std::vector<Word> words;
  for (const auto& segment : transcript.value("segments", json::array())) {
    const auto timed = segment.value("words", json::array());
    if (timed.empty())
      words.push_back(
          {segment.value("start", 0.0), segment.value("end", 0.0), segment.value("text", ""), {}});
    for (const auto& w : timed)
      words.push_back({w.value("start", 0.0), w.value("end", 0.0), w.value("word", ""), {}});
  }
  keep_words_out_of_pauses(words, turns);
  for (auto& w : words) w.speaker = speaker_of(turns, w.start, w.end);
  return words;
}

}  // namespace yv::subtitles

#include "nodes/whisper/transcript.h"

#include <nlohmann/json.hpp>

namespace yv::whisper {

std::string Transcript::text() const {
  std::string out;
  for (const auto& s : segments) out += s.text;
  const size_t first = out.find_first_not_of(' ');
  return first == std::string::npos ? "" : out.substr(first);
}

void write_chinese_in(Transcript& t, text::ChineseScript script) {
  if (t.language != "zh" && t.language != "yue") return;
  for (auto& s : t.segments) {
    s.text = text::to_script(s.text, script);
    for (auto& w : s.words) w.word = text::to_script(w.word, script);
  }
}

nlohmann::json to_json(const Transcript& t) {
  auto segments = nlohmann::json::array();
  for (const auto& s : t.segments) {
    auto words = nlohmann::json::array();
    for (const auto& w : s.words) {
      words.push_back({{"start", w.start}, {"end", w.end}, {"word", w.word}, {"probability", w.probability}});
    }
    segments.push_back({{"id", s.id},
                        {"start", s.start},
                        {"end", s.end},
                        {"text", s.text},
                        {"avg_logprob", s.avg_logprob},
                        {"no_speech_prob", s.no_speech_prob},
                        {"words", std::move(words)}});
  }
  return {{"language", t.language},
          {"language_probability", t.language_probability},
          {"duration", t.duration},
          {"segments", std::move(segments)}};
}

}  // namespace yv::whisper

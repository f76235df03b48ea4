#include "http/transcription_formats.h"

#include <cmath>

#include "core/json_util.h"
#include "nodes/subtitles/formats.h"
#include "nodes/whisper/languages.h"
#include "nodes/whisper/repetition.h"

namespace yv::http {
namespace {

using nlohmann::json;

std::string trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(' ');
  return first == std::string::npos ? "" : text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// The segments' texts joined, as Whisper's own text is (each segment brings its leading space).
std::string full_text(const json& transcript) {
  std::string text;
  for (const auto& s : transcript["segments"]) text += s["text"].get<std::string>();
  return trimmed(text);
}

std::vector<subtitles::Cue> segment_cues(const json& transcript) {
  std::vector<subtitles::Cue> cues;
  for (const auto& s : transcript["segments"]) {
    subtitles::Cue cue;
    cue.start = s["start"];
    cue.end = s["end"];
    cue.lines = {trimmed(s["text"])};
    cues.push_back(std::move(cue));
  }
  return cues;
}

json verbose(const json& transcript, const TranscriptionShape& shape) {
  // A translation is English, whatever was spoken (OpenAI reports it so).
  const std::string language = shape.task == "translate" ? "en" : transcript["language"].get<std::string>();
  json out = {{"task", shape.task},
              {"language", whisper::language_name(language)},
              {"duration", transcript["duration"]},
              {"text", full_text(transcript)}};
  if (shape.segments) {
    json segments = json::array();
    for (const auto& s : transcript["segments"]) {
      segments.push_back({{"id", s["id"]},
                          {"start", s["start"]},
                          {"end", s["end"]},
                          {"text", s["text"]},
                          {"avg_logprob", s["avg_logprob"]},
                          {"compression_ratio", whisper::compression_ratio(s["text"].get<std::string>())},
                          {"no_speech_prob", s["no_speech_prob"]}});
    }
    out["segments"] = std::move(segments);
  }
  if (shape.words) {
    json words = json::array();
    for (const auto& s : transcript["segments"]) {
      for (const auto& w : s["words"])
        words.push_back({{"word", trimmed(w["word"])}, {"start", w["start"]}, {"end", w["end"]}});
    }
    out["words"] = std::move(words);
  }
  return out;
}

}  // namespace

const std::vector<std::string>& transcription_formats() {
  static const std::vector<std::string> formats = {"json", "text", "srt", "vtt", "verbose_json"};
  return formats;
}

TranscriptionAnswer transcription_answer(const json& transcript, const TranscriptionShape& shape) {
  const std::string& format = shape.format;
  if (format == "text") return {full_text(transcript) + "\n", "text/plain; charset=utf-8"};
  if (format == "srt" || format == "vtt") {
    const std::string language = transcript["language"];
    return {subtitles::render(format, segment_cues(transcript), language),
            format == "srt" ? "text/plain; charset=utf-8" : "text/vtt; charset=utf-8"};
  }
  if (format == "verbose_json") return {json_text(verbose(transcript, shape)), "application/json"};
  // Billing by the second, as OpenAI reports it for Whisper.
  const json usage = {{"type", "duration"},
                      {"seconds", int64_t(std::ceil(transcript["duration"].get<double>()))}};
  return {json_text({{"text", full_text(transcript)}, {"usage", usage}}), "application/json"};
}

}  // namespace yv::http

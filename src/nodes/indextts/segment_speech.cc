#include "nodes/indextts/segment_speech.h"

#include <spdlog/fmt/fmt.h>

#include <filesystem>

#include "core/error.h"
#include "nodes/indextts/spoken_file.h"
#include "nodes/subtitles/cues.h"

namespace yv::indextts {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr size_t kMaxSegments = 100000;  // as ffmpeg.fit_dubbing takes

// Removes the partial folder unless the batch completed.
struct PartialFolder {
  fs::path dir;
  bool done = false;
  ~PartialFolder() {
    std::error_code ec;
    if (!done) fs::remove_all(dir, ec);
  }
};

}  // namespace

json prepared_segment_schema() {
  return {{"type", "object"},
          {"required", {"start", "end", "text"}},
          {"properties",
           {{"start", {{"type", "number"}, {"minimum", 0}}},
            {"end", {{"type", "number"}, {"minimum", 0}}},
            {"text", {{"type", "string"}}}}}};
}

std::vector<std::string> segment_problems(const json& segments) {
  std::vector<std::string> problems;
  if (!segments.is_array()) return {"prepared_segments must be a list of {start, end, text}"};
  if (segments.size() > kMaxSegments)
    return {fmt::format("prepared_segments has {} segments; at most {}", segments.size(), kMaxSegments)};
  for (size_t i = 0; i < segments.size(); ++i) {
    const json& s = segments[i];
    const auto time = [&](const char* key) { return s.contains(key) && s[key].is_number() && s[key] >= 0; };
    if (!s.is_object() || !time("start") || !time("end")) {
      problems.push_back(fmt::format("prepared_segments[{}] needs numeric start and end >= 0", i));
    } else if (!(s["end"].get<double>() > s["start"].get<double>())) {
      problems.push_back(
          fmt::format("prepared_segments[{}] needs end >= start and a slot longer than 0 s", i));
    } else if (!s.contains("text") || !s["text"].is_string() || !speakable(s["text"].get<std::string>())) {
      problems.push_back(fmt::format("prepared_segments[{}]: 'text' has nothing to speak", i));
    }
  }
  return problems;
}

json speak_segments(const engine::NodeRun& r, const tts::Speaker& speaker) {
  const auto& p = r.params;
  const json& segments = p["prepared_segments"];
  if (const auto problems = segment_problems(segments); !problems.empty())
    throw Error("invalid_parameter", fmt::format("{}", fmt::join(problems, "; ")));
  // Known only when the stage runs in a chain (a transcript with no speech), so not a submit-time rule.
  if (segments.empty()) throw Error("invalid_input", "prepared_segments is empty: there is nothing to speak");
  const float speed = p["speed"].get<float>();
  const int max_chars = p["max_text_tokens_per_segment"];
  const fs::path name = p["output_path"].get<std::string>();
  const fs::path folder = r.work_dir / "segments";
  PartialFolder partial{r.work_dir / "segments.partial"};
  fs::remove_all(partial.dir);
  fs::create_directories(partial.dir);

  json listed = json::array(), files = json::array();
  size_t frames = 0, sentences = 0, characters = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    const json& s = segments[i];
    const std::string text = s["text"];
    const std::string file = fmt::format("{}_{:04}{}", name.stem().string(), i, name.extension().string());
    const auto progress = [&](double f) { r.progress((double(i) + f) / double(segments.size())); };
    const SpokenFile spoken =
        speak_to_file(speaker, text, speed, max_chars, partial.dir / file, r.cancelled, progress);
    const double duration = double(spoken.frames) / speaker.sample_rate();
    json item = {{"id", s.value("id", json(i))},
                 {"audio_path", (folder / file).string()},
                 {"start", s["start"]},
                 {"end", s["end"]},
                 {"text", text},
                 {"duration", duration}};
    if (s.contains("speaker")) item["speaker"] = s["speaker"];
    listed.push_back(std::move(item));
    files.push_back((folder / file).string());
    frames += spoken.frames;
    sentences += spoken.sentences;
    characters += subtitles::length(text);
  }
  fs::remove_all(folder);  // an earlier attempt's
  fs::rename(partial.dir, folder);
  partial.done = true;
  return {{"tts_segments", listed},
          {"audio_files", files},
          {"segments_count", segments.size()},
          {"duration", double(frames) / speaker.sample_rate()},
          {"text_length", characters},
          {"segments", sentences}};
}

}  // namespace yv::indextts

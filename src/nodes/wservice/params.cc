#include "nodes/wservice/params.h"

#include "core/error.h"
#include "nodes/subtitles/transcript_words.h"
#include "nodes/wservice/segments.h"

namespace yv::wservice {

using engine::ParamType;
using nlohmann::json;

namespace {

// A time in seconds as segments_problems and turns_of accept it (that an end is not before its start, no
// schema can say).
json seconds() { return {{"type", "number"}, {"minimum", 0}, {"maximum", subtitles::kMaxSeconds}}; }

json object_of(const json& required, const json& properties) {
  return {{"type", "object"}, {"required", required}, {"properties", properties}};
}

}  // namespace

json word_schema() {
  return object_of({"start", "end", "word"},
                   {{"start", seconds()}, {"end", seconds()}, {"word", {{"type", "string"}}}});
}

std::vector<engine::ParamSpec> segment_params() {
  return {
      {"segments_file", ParamType::kString, nullptr, false, false,
       "Segments JSON (default: the latest earlier stage's segments_file)"},
      {"segments_data", ParamType::kArray, nullptr, false, false,
       "Segments given inline [{start, end, text, words}], instead of segments_file", nullptr, nullptr,
       nullptr, "",
       object_of({"start", "end"}, {{"start", seconds()},
                                    {"end", seconds()},
                                    {"text", {{"type", "string"}}},
                                    {"words", {{"type", "array"}, {"items", word_schema()}}}})},
  };
}

std::vector<engine::ParamSpec> speaker_params() {
  return {
      {"diarization_file", ParamType::kString, nullptr, false, false,
       "Speaker turns JSON (default: pyannote_audio.diarize_speakers' diarization_file)"},
      {"speaker_segments_data", ParamType::kArray, nullptr, false, false,
       "Speaker turns given inline [{start, end, speaker}], instead of diarization_file", nullptr, nullptr,
       nullptr, "",
       object_of({"start", "end", "speaker"},
                 {{"start", seconds()}, {"end", seconds()}, {"speaker", {{"type", "string"}}}})},
  };
}

std::vector<std::string> check_inline_data(const nlohmann::json& params) {
  std::vector<std::string> problems;
  if (params.contains("segments_data")) problems = segment_problems(params["segments_data"], "segments_data");
  if (params.contains("speaker_segments_data")) {
    try {
      subtitles::turns_of(params["speaker_segments_data"], "speaker_segments_data");
    } catch (const Error& e) {
      problems.push_back(e.detail());
    }
  }
  return problems;
}

void check_order(const nlohmann::json& params, const char* low, const char* high,
                 std::vector<std::string>& problems) {
  if (params.contains(low) && params.contains(high) && params[low].get<double>() > params[high].get<double>())
    problems.push_back(std::string(low) + " must not exceed " + high);
}

}  // namespace yv::wservice

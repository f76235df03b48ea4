#include "nodes/whisper/transcribe_node.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>

#include "core/error.h"
#include "core/files.h"
#include "nodes/whisper/languages.h"
#include "nodes/whisper/long_form.h"
#include "nodes/whisper/model.h"
#include "nodes/whisper/model_catalogue.h"

namespace yv::whisper {
namespace {

using engine::ParamType;

// Models stay loaded for the life of the worker process: loading costs far more than a short transcription.
const Model& cached_model(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Model>> models;
  std::lock_guard lock(mutex);
  auto& model = models[name];
  if (!model) model = Model::load(ModelStore(default_model_dir()).resolve(name));
  return *model;
}

// The model a transcription with `p` uses, when known: the one it names, else the default for its language.
// The default depends on the language, so it is chosen here rather than declared with the parameter: an
// English-only model would turn any other language into English or nothing.
std::optional<std::string> chosen_model(const nlohmann::json& p) {
  if (p.contains("model")) return p["model"].get<std::string>();
  if (p.contains("model_size")) return p["model_size"].get<std::string>();
  if (p.contains("language")) return default_model_name(p["language"].get<std::string>());
  return std::nullopt;
}

// "auto" and Whisper's language codes.
nlohmann::json language_choices() {
  nlohmann::json choices = {"auto"};
  for (const auto& code : language_codes()) choices.push_back(code);
  return choices;
}

std::optional<std::string> string_param(const nlohmann::json& p, const char* name) {
  return p.contains(name) ? std::optional<std::string>(p[name].get<std::string>()) : std::nullopt;
}

nlohmann::json run(const engine::NodeRun& r) {
  const auto& p = r.params;
  const std::string input = p.value("audio_path", p.value("video_path", ""));
  if (input.empty())
    throw Error("invalid_parameter", "faster_whisper.transcribe_audio needs audio_path or video_path");

  TranscribeOptions o;
  o.language = p["language"];
  const std::string model_name = *chosen_model(p);
  o.task = p["task"];
  o.beam_size = p["beam_size"];
  o.best_of = p["best_of"];
  o.word_timestamps = p["word_timestamps"];
  o.condition_on_previous_text = p["condition_on_previous_text"];
  o.initial_prompt = p.value("initial_prompt", "");
  // faster-whisper's hotwords prime the decoder with likely words; whisper.cpp has no such input, so they
  // lead the prompt, which has the same effect on spelling.
  if (p.contains("hotwords")) o.initial_prompt = p["hotwords"].get<std::string>() + " " + o.initial_prompt;
  // faster-whisper takes the fallback temperatures as a list; whisper.cpp as a start and a step.
  const auto& temperatures = p["temperature"];
  if (temperatures.empty() || !std::all_of(temperatures.begin(), temperatures.end(), [](const auto& t) {
        return t.is_number() && t.template get<double>() >= 0 && t.template get<double>() <= 1;
      })) {
    throw Error("invalid_parameter", "temperature must be a list of numbers in [0, 1], e.g. [0.0, 0.2, 0.4]");
  }
  o.temperature = temperatures[0].get<float>();
  o.temperature_increment = temperatures.size() > 1 ? temperatures[1].get<float>() - o.temperature : 0.0f;
  if (o.temperature_increment < 0) throw Error("invalid_parameter", "temperature must rise along the list");
  o.cancelled = &r.cancelled;

  LongFormOptions long_form;
  // One lane saves the second whisper state's memory (about 230 MiB with tiny.en) at the cost of speed.
  if (const char* lanes = std::getenv("YIVIDEO_TRANSCRIBE_LANES"); lanes && *lanes)
    long_form.lanes = std::clamp(std::atoi(lanes), 1, 8);
  long_form.vad_filter =
      p.contains("vad_filter") ? p["vad_filter"].get<bool>() : p["enable_optimization"].get<bool>();
  // Whisper mixes the two scripts; Chinese speakers expect one, Simplified unless they ask otherwise.
  const auto write_script = [&p](Transcript& t) {
    if (p.contains("zh_script")) {
      write_chinese_in(t, text::parse_chinese_script(p["zh_script"].get<std::string>()));
    } else if (t.language == "zh") {
      write_chinese_in(t, text::ChineseScript::kSimplified);
    }
  };
  // Followers get each final segment as the result will have it (its script included).
  SegmentFn followed;
  if (r.segment) {
    followed = [&](const Segment& segment, const std::string& language) {
      Transcript one{language, 0, 0, {segment}};
      write_script(one);
      const Segment& s = one.segments[0];
      r.segment({{"start", s.start}, {"end", s.end}, {"text", s.text}});
    };
  }
  Transcript t = transcribe_file(cached_model(model_name), input, o, r.progress, long_form, followed);
  write_script(t);
  const auto segments_file = r.work_dir / "segments.json";
  write_file_atomically(segments_file, to_json(t).dump(2) + "\n");
  return {{"segments_file", segments_file.string()},
          {"text", t.text()},
          {"language", t.language},
          {"language_probability", t.language_probability},
          {"segments_count", t.segments.size()},
          {"model", model_name}};
}

}  // namespace

engine::NodeSpec transcribe_node() {
  engine::NodeSpec n;
  n.name = "faster_whisper.transcribe_audio";
  n.description = "Transcribe speech with Whisper (whisper.cpp), with segment and word timings";
  n.params = {
      {"audio_path", ParamType::kString, nullptr, false, false,
       "Audio to transcribe (from ffmpeg.extract_audio)"},
      {"video_path", ParamType::kString, nullptr, false, true, "Media to decode when there is no audio_path"},
      {"language", ParamType::kString, "auto", false, true, "ISO 639-1 code, or auto", nullptr, nullptr,
       language_choices()},
      {"model", ParamType::kString, nullptr, false, false,
       "Installed model (GET /v1/models; default: $YIVIDEO_MODEL, else tiny.en for language en and the "
       "multilingual base for any other language or auto)",
       nullptr, nullptr, nullptr, kModelNamePattern},
      {"model_size", ParamType::kString, nullptr, false, false, "faster-whisper's name for model", nullptr,
       nullptr, nullptr, kModelNamePattern},
      {"task", ParamType::kString, "transcribe", false, false, "transcribe, or translate into English",
       nullptr, nullptr, nlohmann::json::array({"transcribe", "translate"})},
      {"beam_size", ParamType::kInteger, 5, false, false, "Beam width; 1 is greedy"},
      {"best_of", ParamType::kInteger, 5, false, false, "Candidates when sampling at a fallback temperature"},
      {"word_timestamps", ParamType::kBoolean, true, false, false, "Time every word"},
      {"condition_on_previous_text", ParamType::kBoolean, true, false, false,
       "Prompt each window with the last"},
      {"initial_prompt", ParamType::kString, nullptr, false, false, "Text that primes spelling and style"},
      {"hotwords", ParamType::kString, nullptr, false, false,
       "Words to favour (names, jargon); lead the prompt"},
      {"temperature", ParamType::kArray, nlohmann::json::array({0.0, 0.2, 0.4, 0.6, 0.8, 1.0}), false, false,
       "Fallback temperatures: the first, then rising by the step between the first two"},
      {"zh_script", ParamType::kString, nullptr, false, false,
       "Chinese characters: simplified, traditional or as_is (default: simplified for zh, as_is for yue)",
       nullptr, nullptr, nlohmann::json::array({"simplified", "traditional", "as_is"})},
      {"vad_filter", ParamType::kBoolean, nullptr, false, false,
       "Transcribe only the speech regions (default: enable_optimization)"},
      {"enable_optimization", ParamType::kBoolean, true, false, true,
       "Turns vad_filter on unless it is given"},
  };
  n.outputs = {"segments_file", "text", "language", "language_probability", "segments_count", "model"};
  n.cross_check = [](const nlohmann::json& p) {
    if (p.contains("model") && p.contains("model_size") && p["model"] != p["model_size"])
      return std::vector<std::string>{"model and model_size name different models: give one of them"};
    // At submit: a model that is not installed, a language Whisper does not know, or one the model cannot
    // transcribe is refused before anything is stored (model_catalogue.h).
    return ModelCatalogue(ModelStore(default_model_dir()))
        .check_choice(chosen_model(p), string_param(p, "language"), string_param(p, "task"));
  };
  n.run = run;
  return n;
}

}  // namespace yv::whisper

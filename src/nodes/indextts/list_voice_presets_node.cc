#include "nodes/indextts/list_voice_presets_node.h"

#include "tts/espeak.h"
#include "tts/voices.h"

namespace yv::indextts {

engine::NodeSpec list_voice_presets_node() {
  engine::NodeSpec n;
  n.name = "indextts.list_voice_presets";
  n.description = "List the installed voices that indextts.generate_speech speaks with";
  n.params = {{"language", engine::ParamType::kString, nullptr, false, false,
               "Only the voices that speak this language (ISO 639 code); default all", nullptr, nullptr,
               nullptr, R"(^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$)"}};
  n.outputs = {"presets", "total_count"};
  n.time_limit_seconds = 60;
  n.run = [](const engine::NodeRun& r) {
    const std::string language = r.params.value("language", "");
    nlohmann::json presets = nlohmann::json::object();
    for (const auto& v : tts::neural_voices()) {
      if (language.empty() || v.language == tts::base_language(language))
        presets[v.name] = v.description + " [" + v.language + ", " + v.engine + "]";
    }
    if (language.empty() || !tts::espeak_voice_for(language).empty())
      presets[tts::kEspeakVoice] =
          "espeak-ng formant speech (robotic) for the " + std::to_string(tts::espeak::languages().size()) +
          " languages it knows; used for a language no neural voice speaks [espeak-ng]";
    return nlohmann::json{{"presets", presets}, {"total_count", presets.size()}};
  };
  return n;
}

}  // namespace yv::indextts

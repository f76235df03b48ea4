#include "http/model_routes.h"

#include <httplib.h>

#include <chrono>
#include <filesystem>

#include "http/json_io.h"
#include "nodes/whisper/model_catalogue.h"

namespace yv::http {
namespace {

// When the model's file was installed, in Unix seconds (OpenAI's `created`).
int64_t installed_at(const whisper::ModelStore& store, const std::string& name) {
  std::error_code ec;
  const auto written = std::filesystem::last_write_time(store.file_of(name), ec);
  if (ec) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::file_clock::to_sys(written).time_since_epoch())
      .count();
}

// OpenAI's model list ({"object": "list", "data": [{"id", "object", "created", "owned_by"}]}): the usable
// installed models, and "whisper-1" while the default model is installed, which the audio routes
// (audio_routes.h) take to mean the default: the model a transcription without one gets.
nlohmann::json openai_models(const whisper::ModelStore& store,
                             const std::vector<whisper::ModelInfo>& models) {
  nlohmann::json data = nlohmann::json::array();
  const auto entry = [&](const std::string& id, const std::string& file) {
    return nlohmann::json{
        {"id", id}, {"object", "model"}, {"created", installed_at(store, file)}, {"owned_by", "yivideo"}};
  };
  const std::string fallback = whisper::default_model_name("auto");
  for (const auto& m : models) {
    if (!m.installed || !m.header) continue;
    if (m.name == fallback) {
      nlohmann::json alias = entry("whisper-1", m.name);
      const std::string english = whisper::default_model_name("en");
      alias["yivideo_model"] =
          english == fallback ? fallback : english + " for language=en, else " + fallback;
      data.push_back(std::move(alias));
    }
    data.push_back(entry(m.name, m.name));
  }
  return data;
}

}  // namespace

void add_model_routes(Router& router) {
  router.add(
      {"GET",
       "/v1/models",
       "models",
       "Whisper models: installed ones and those a package registry serves, with their languages, size, "
       "weight type and where they came from; `data` lists the usable ones in OpenAI's shape, whisper-1 "
       "standing for the default model",
       {},
       nullptr,
       {{"200", {{"description", "Every model, sorted by name"}, {"schema", "ModelList"}}}}},
      [](const httplib::Request&, httplib::Response& res) {
        const whisper::ModelStore store(whisper::default_model_dir());
        const auto list = whisper::ModelCatalogue(store).list();
        nlohmann::json models = nlohmann::json::array();
        for (const auto& m : list) models.push_back(whisper::to_json(m));
        send_json(res, 200,
                  {{"models", models},
                   {"count", models.size()},
                   {"object", "list"},
                   {"data", openai_models(store, list)}});
      });
}

}  // namespace yv::http

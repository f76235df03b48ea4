#include "nodes/whisper/model_store.h"

#include <algorithm>
#include <cstdlib>
#include <regex>

#include "core/error.h"
#include "core/paths.h"

namespace yv::whisper {
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kPrefix = "ggml-";
constexpr std::string_view kSuffix = ".bin";

bool valid_name(const std::string& name) {
  static const std::regex pattern(kModelNamePattern);
  return std::regex_match(name, pattern);
}
}  // namespace

fs::path default_model_dir() {
  if (const char* dir = std::getenv("YIVIDEO_MODEL_DIR"); dir && *dir) return dir;
  return cache_dir() / "models";
}

fs::path vad_model_path() { return default_model_dir() / "silero-vad.bin"; }

std::string default_model_name(std::string_view language) {
  if (const char* name = std::getenv("YIVIDEO_MODEL"); name && *name) return name;
  return language == "en" ? "tiny.en" : "base";
}

fs::path ModelStore::file_of(const std::string& name) const {
  if (!valid_name(name)) {
    throw Error("invalid_model_name",
                "invalid model name '" + name + "': use a name such as tiny.en or large-v3", 400);
  }
  return dir_ / (std::string(kPrefix) + name + std::string(kSuffix));
}

fs::path ModelStore::resolve(const std::string& name) const {
  fs::path file = file_of(name);
  std::error_code ec;
  if (fs::is_regular_file(file, ec)) return file;
  // No directory in the message: it reaches API clients, who install nothing there themselves.
  std::string detail = "model '" + name + "' is not installed (installed: ";
  const auto names = installed();
  for (size_t i = 0; i < names.size(); ++i) detail += (i ? ", " : "") + names[i];
  detail += names.empty() ? "none)" : ")";
  throw Error("model_not_found", detail + "; `yivideo models list` shows how to install models", 404);
}

std::vector<std::string> ModelStore::installed() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.size() > kPrefix.size() + kSuffix.size() && file.starts_with(kPrefix) &&
        file.ends_with(kSuffix) && entry.is_regular_file(ec)) {
      names.push_back(file.substr(kPrefix.size(), file.size() - kPrefix.size() - kSuffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace yv::whisper

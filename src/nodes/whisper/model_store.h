// Where Whisper models live, and how users name them.
//
// A model directory ($YIVIDEO_MODEL_DIR, default ~/.cache/yivideo/models) holds whisper.cpp ggml files named
// ggml-<name>.bin: the set-up converts the pinned tiny.en and base weights into ggml-tiny.en.bin and
// ggml-base.bin, and a user may drop in any official ggml model (ggml-large-v3.bin, ...) and select it by
// name
// ("large-v3").
// Names are validated so that a name coming from an API request can never reach outside the directory.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace yv::whisper {

// A model name: 1-64 characters of [A-Za-z0-9._-], not "." or ".." (so that a name from a request can never
// leave the directory). Written without look-arounds, which not every schema validator supports.
inline constexpr const char* kModelNamePattern =
    R"(^(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}|\.[A-Za-z0-9_-][A-Za-z0-9._-]{0,62}|\.\.[A-Za-z0-9._-]{1,62})$)";

// $YIVIDEO_MODEL_DIR, else cache_dir()/models (~/.cache/yivideo/models).
std::filesystem::path default_model_dir();

// The Silero voice activity model (media/vad.h): silero-vad.bin in default_model_dir(), converted by the
// set-up from the pinned silero-vad wheel (tools/silero_to_ggml.py). Not a Whisper model, so not named
// ggml-*.bin.
std::filesystem::path vad_model_path();

// The model used when a request names none, for the requested `language` (an ISO 639-1 code or "auto"):
// $YIVIDEO_MODEL when set; else "tiny.en" for English, the fastest model that transcribes it well; else
// "base", the smallest multilingual model, for any other language and for "auto" (an English-only model can
// neither detect a language nor transcribe another).
std::string default_model_name(std::string_view language = "en");

class ModelStore {
 public:
  explicit ModelStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The file of model `name`.
  // Throws yv::Error "invalid_model_name" (400) unless name is 1-64 characters of [A-Za-z0-9._-] and not
  // "."/".."; "model_not_found" (404), listing the installed models, when ggml-<name>.bin is not in the
  // directory.
  std::filesystem::path resolve(const std::string& name) const;

  // Where model `name` is or would be installed: ggml-<name>.bin in the directory.
  // Throws yv::Error "invalid_model_name" (400) as resolve() does.
  std::filesystem::path file_of(const std::string& name) const;

  // Names of the installed models, sorted.
  std::vector<std::string> installed() const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace yv::whisper

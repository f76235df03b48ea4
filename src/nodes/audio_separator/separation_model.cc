#include "nodes/audio_separator/separation_model.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "nodes/whisper/model_store.h"

namespace yv::audio_separator {

namespace {

void require(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error(
        "model_not_found",
        "the separation model " + path.string() + " is missing; scripts/serve or scripts/test install it",
        404);
}

}  // namespace

sherpa::SpleeterOptions spleeter_files() {
  const auto dir = whisper::default_model_dir() / "spleeter";
  sherpa::SpleeterOptions files{dir / "vocals.onnx", dir / "accompaniment.onnx",
                                int(std::clamp(std::thread::hardware_concurrency(), 1u, 8u))};
  require(files.vocals);
  require(files.accompaniment);
  return files;
}

sherpa::DenoiserOptions gtcrn_files() {
  sherpa::DenoiserOptions files{whisper::default_model_dir() / "gtcrn" / "gtcrn.onnx"};
  require(files.gtcrn);
  return files;
}

const sherpa::SourceSeparation& spleeter() {
  static std::mutex mutex;
  static std::unique_ptr<sherpa::SourceSeparation> loaded;
  std::lock_guard lock(mutex);
  if (!loaded) loaded = std::make_unique<sherpa::SourceSeparation>(spleeter_files());
  return *loaded;
}

}  // namespace yv::audio_separator

#include "sherpa/source_separation.h"

#include <sherpa-onnx/c-api/c-api.h>

#include <climits>
#include <cstring>

#include "core/error.h"

namespace yv::sherpa {

SourceSeparation::SourceSeparation(const SpleeterOptions& o)
    : separation_(nullptr, SherpaOnnxDestroyOfflineSourceSeparation) {
  const std::string vocals = o.vocals.string(), accompaniment = o.accompaniment.string();
  SherpaOnnxOfflineSourceSeparationConfig config;
  std::memset(&config, 0, sizeof config);
  config.model.spleeter.vocals = vocals.c_str();
  config.model.spleeter.accompaniment = accompaniment.c_str();
  config.model.num_threads = o.threads;
  config.model.provider = "cpu";
  separation_.reset(SherpaOnnxCreateOfflineSourceSeparation(&config));
  if (!separation_)
    throw Error("model_load_failed",
                "the separation networks in " + o.vocals.parent_path().string() + " did not load", 500);
}

int SourceSeparation::sample_rate() const {
  return SherpaOnnxOfflineSourceSeparationGetOutputSampleRate(separation_.get());
}

Stems SourceSeparation::separate(const StereoSamples& input) const {
  const size_t n = input[0].size();
  if (input[1].size() != n || n < 4096 || n > size_t(INT_MAX))
    throw Error("invalid_input", "separation needs two channels of equal length, at least 4096 samples");
  const float* channels[2] = {input[0].data(), input[1].data()};
  std::lock_guard lock(mutex_);
  Handle<SherpaOnnxSourceSeparationOutput> out(
      SherpaOnnxOfflineSourceSeparationProcess(separation_.get(), channels, 2, int32_t(n), sample_rate()),
      SherpaOnnxDestroySourceSeparationOutput);
  if (!out || out->num_stems != 2) throw Error("separation_failed", "the separation produced no stems", 500);
  Stems stems;
  StereoSamples* targets[2] = {&stems.vocals, &stems.accompaniment};
  for (int s = 0; s < 2; ++s) {
    const auto& stem = out->stems[s];
    if (stem.num_channels != 2) throw Error("separation_failed", "a stem is not stereo", 500);
    for (int c = 0; c < 2; ++c) (*targets[s])[c].assign(stem.samples[c], stem.samples[c] + stem.n);
  }
  return stems;
}

}  // namespace yv::sherpa

#include "nodes/diarize/campplus.h"

#include <sherpa-onnx/c-api/c-api.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>

#include "core/error.h"

namespace yv::diarize {
namespace {

constexpr int kRate = 16000;  // the model's (its metadata)

}  // namespace

CamPlus::CamPlus(const std::filesystem::path& model)
    : extractor_(nullptr, SherpaOnnxDestroySpeakerEmbeddingExtractor) {
  // sherpa-onnx ends the process on some unreadable files instead of failing: a missing one is caught here.
  if (!std::filesystem::is_regular_file(model))
    throw Error("model_load_failed", "the CAM++ speaker model " + model.string() + " is missing", 503);
  const std::string path = model.string();
  SherpaOnnxSpeakerEmbeddingExtractorConfig config;
  std::memset(&config, 0, sizeof config);
  config.model = path.c_str();
  config.num_threads = 1;  // windows run in parallel instead: each is too short to split well
  config.provider = "cpu";
  extractor_.reset(SherpaOnnxCreateSpeakerEmbeddingExtractor(&config));
  if (!extractor_)
    throw Error("model_load_failed", "sherpa-onnx did not load the CAM++ speaker model " + path, 503);
  if (SherpaOnnxSpeakerEmbeddingExtractorDim(extractor_.get()) != kCamEmbeddingSize)
    throw Error("model_load_failed", path + " is not the 192-d CAM++ speaker model", 503);
}

void CamPlus::embed_one(std::span<const float> window, float* out) const {
  std::vector<float> padded;
  if (window.size() < kCamMinSamples) {
    padded.assign(kCamMinSamples, 0.0f);
    std::copy(window.begin(), window.end(), padded.begin());
    window = padded;
  }
  sherpa::Handle<SherpaOnnxOnlineStream> stream(
      SherpaOnnxSpeakerEmbeddingExtractorCreateStream(extractor_.get()), SherpaOnnxDestroyOnlineStream);
  SherpaOnnxOnlineStreamAcceptWaveform(stream.get(), kRate, window.data(), int32_t(window.size()));
  SherpaOnnxOnlineStreamInputFinished(stream.get());
  if (!SherpaOnnxSpeakerEmbeddingExtractorIsReady(extractor_.get(), stream.get()))
    throw Error("internal_error", "CAM++ got too little audio for a speaker embedding", 500);
  sherpa::Handle<float> e(SherpaOnnxSpeakerEmbeddingExtractorComputeEmbedding(extractor_.get(), stream.get()),
                          SherpaOnnxSpeakerEmbeddingExtractorDestroyEmbedding);
  if (!e) throw Error("internal_error", "CAM++ returned no speaker embedding", 500);
  double norm = 0;
  for (int k = 0; k < kCamEmbeddingSize; ++k) norm += double(e.get()[k]) * e.get()[k];
  const float scale = norm > 0 ? float(1 / std::sqrt(norm)) : 0.0f;
  for (int k = 0; k < kCamEmbeddingSize; ++k) out[k] = e.get()[k] * scale;
}

std::vector<float> CamPlus::embed(const std::vector<std::span<const float>>& windows) const {
  std::vector<float> out(windows.size() * kCamEmbeddingSize);
  std::atomic<size_t> next = 0;
  std::exception_ptr failure;
  std::atomic<bool> failed = false;
  const auto work = [&] {
    for (size_t w; !failed && (w = next++) < windows.size();) {
      try {
        embed_one(windows[w], &out[w * kCamEmbeddingSize]);
      } catch (...) {
        if (!failed.exchange(true)) failure = std::current_exception();
      }
    }
  };
  const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), windows.size());
  std::vector<std::jthread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  pool.clear();  // joins
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace yv::diarize

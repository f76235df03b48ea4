#include "sherpa/speech_denoiser.h"

#include <sherpa-onnx/c-api/c-api.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "core/error.h"

namespace yv::sherpa {
namespace {

// Appends a chunk sherpa-onnx gave out (none while it waits for a whole frame) and frees it.
size_t take(const SherpaOnnxDenoisedAudio* chunk, std::vector<float>& out) {
  if (!chunk) return 0;
  Handle<SherpaOnnxDenoisedAudio> owned(chunk, SherpaOnnxDestroyDenoisedAudio);
  out.insert(out.end(), chunk->samples, chunk->samples + chunk->n);
  return size_t(chunk->n);
}

}  // namespace

SpeechDenoiser::SpeechDenoiser(const DenoiserOptions& o)
    : denoiser_(nullptr, SherpaOnnxDestroyOnlineSpeechDenoiser) {
  const std::string model = o.gtcrn.string();
  SherpaOnnxOnlineSpeechDenoiserConfig config;
  std::memset(&config, 0, sizeof config);
  config.model.gtcrn.model = model.c_str();
  config.model.num_threads = o.threads;
  config.model.provider = "cpu";
  denoiser_.reset(SherpaOnnxCreateOnlineSpeechDenoiser(&config));
  if (!denoiser_)
    throw Error("model_load_failed", "the speech enhancement network " + model + " did not load", 500);
}

int SpeechDenoiser::sample_rate() const {
  return SherpaOnnxOnlineSpeechDenoiserGetSampleRate(denoiser_.get());
}

void SpeechDenoiser::write(const float* samples, size_t n, std::vector<float>& out) {
  // sherpa-onnx counts in int32: longer blocks go in pieces, which changes nothing in a stream.
  for (size_t at = 0; at < n;) {
    const size_t piece = std::min(n - at, size_t(INT_MAX));
    given_ += take(
        SherpaOnnxOnlineSpeechDenoiserRun(denoiser_.get(), samples + at, int32_t(piece), sample_rate()), out);
    at += piece;
  }
  written_ += n;
}

void SpeechDenoiser::finish(std::vector<float>& out) {
  const size_t flushed = take(SherpaOnnxOnlineSpeechDenoiserFlush(denoiser_.get()), out);
  given_ += flushed;
  // The flush pads the last frame: what lies beyond the input is dropped, and a stream shorter than a frame,
  // which gives nothing, is silence rather than missing.
  if (given_ > written_) out.resize(out.size() - std::min(given_ - written_, flushed));
  if (given_ < written_) out.resize(out.size() + (written_ - given_), 0.0f);
  written_ = given_ = 0;
}

}  // namespace yv::sherpa

// GTCRN speech enhancement run by sherpa-onnx's streaming speech denoiser through its C API (the same
// sherpa-onnx-core 2.0.1 as source_separation.h). The network is the upstream streaming export of GTCRN with
// the metadata sherpa-onnx reads added by tools/gtcrn_metadata.py.
//
// What sherpa-onnx does, and so what a caller must know:
// - 16 kHz mono in, 16 kHz mono out: a 512-point sqrt-Hann STFT with hop 256, one network call a frame with
//   its three caches carried from frame to frame, overlap-add. The caches are the whole state, so a stream of
//   any length runs in constant memory, and chunks of any size give the same output as one call would.
// - Output lags input by up to a frame while it waits for whole frames; finish() gives out the rest. Counted
//   from the stream's first sample, output sample i is input sample i enhanced (no delay to remove).
// - One stream at a time: an object is a stream, not shared between threads.
#pragma once

#include <filesystem>
#include <vector>

#include "sherpa/handle.h"

struct SherpaOnnxOnlineSpeechDenoiser;

namespace yv::sherpa {

struct DenoiserOptions {
  std::filesystem::path gtcrn;  // gtcrn.onnx (tools/gtcrn_metadata.py)
  int threads = 1;              // ONNX Runtime's intra-op threads: one frame is too little work to share
};

class SpeechDenoiser {
 public:
  // Loads the network. Throws yv::Error "model_load_failed" (500) when sherpa-onnx refuses the file.
  explicit SpeechDenoiser(const DenoiserOptions& options);

  // The rate of input and output (16,000 Hz).
  int sample_rate() const;

  // Adds `n` samples of the stream (mono at sample_rate(), in [-1, 1]) and appends to `out` the enhanced
  // samples that are ready, the next ones of the stream.
  void write(const float* samples, size_t n, std::vector<float>& out);
  // Appends the rest, so that `out` has received exactly as many samples as were written, and starts a new
  // stream.
  void finish(std::vector<float>& out);

 private:
  Handle<SherpaOnnxOnlineSpeechDenoiser> denoiser_;
  size_t written_ = 0, given_ = 0;
};

}  // namespace yv::sherpa

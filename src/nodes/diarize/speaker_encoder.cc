#include "nodes/diarize/speaker_encoder.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "nodes/diarize/mel.h"
#include "nodes/diarize/weight_file.h"

namespace yv::diarize {
namespace {

constexpr int kHidden = 256;
constexpr int kLayers = 3;
constexpr size_t kBatch =
    64;  // windows per forward pass: 64 x 160 frames x 1024 gates = 42 MB of gate inputs

}  // namespace

SpeakerEncoder::SpeakerEncoder(const std::filesystem::path& weights) {
  WeightFile in(weights, "speaker encoder", "YVSE");
  const uint32_t version = in.u32(), mels = in.u32(), hidden = in.u32(), layers = in.u32(),
                 embedding = in.u32(), tensors = in.u32();
  if (version != 1 || mels != kMelChannels || hidden != kHidden || layers != kLayers ||
      embedding != kEmbeddingSize || tensors != 4 * kLayers + 2) {
    in.fail("unexpected header (converted by another version of tools/ge2e_convert.py?)");
  }
  for (int l = 0; l < kLayers; ++l)
    layers_.push_back(LstmWeights::read(in, l, false, l == 0 ? kMelChannels : kHidden, kHidden));
  linear_w_ = in.tensor("linear.weight", {kEmbeddingSize, kHidden});
  linear_b_ = in.tensor("linear.bias", {kEmbeddingSize});
}

std::vector<float> SpeakerEncoder::embed(const float* windows, size_t count, size_t frames) const {
  std::vector<float> out(count * kEmbeddingSize);
  for (size_t first = 0; first < count; first += kBatch) {
    const size_t n = std::min(kBatch, count - first);
    embed_batch(windows + first * frames * kMelChannels, n, frames, &out[first * kEmbeddingSize]);
  }
  return out;
}

void SpeakerEncoder::embed_batch(const float* windows, size_t count, size_t frames, float* out) const {
  const int b = int(count);
  // Time-major [frames][count][inputs], so that each time step's rows are contiguous.
  std::vector<float> input(frames * count * kMelChannels);
  for (size_t w = 0; w < count; ++w) {
    for (size_t t = 0; t < frames; ++t) {
      std::memcpy(&input[(t * count + w) * kMelChannels], &windows[(w * frames + t) * kMelChannels],
                  kMelChannels * sizeof(float));
    }
  }
  std::vector<float> outputs(frames * count * kHidden);
  for (const LstmWeights& layer : layers_) {
    lstm_layer(layer, input.data(), frames, count, false, outputs.data(), kHidden, 0);
    input.swap(outputs);
    outputs.resize(frames * count * kHidden);
  }
  // The last layer's final hidden states (its outputs at the last frame, now in `input`): linear, ReLU, unit
  // length.
  const float* h = &input[(frames - 1) * count * kHidden];
  for (size_t w = 0; w < count; ++w)
    std::memcpy(&out[w * kEmbeddingSize], linear_b_.data(), sizeof(float) * kEmbeddingSize);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, kEmbeddingSize, kHidden, 1.0f, h, kHidden,
              linear_w_.data(), kHidden, 1.0f, out, kEmbeddingSize);
  for (size_t w = 0; w < count; ++w) {
    float* e = &out[w * kEmbeddingSize];
    double norm = 0;
    for (int k = 0; k < kEmbeddingSize; ++k) {
      e[k] = std::max(0.0f, e[k]);
      norm += double(e[k]) * e[k];
    }
    const float scale = norm > 0 ? float(1 / std::sqrt(norm)) : 0.0f;
    for (int k = 0; k < kEmbeddingSize; ++k) e[k] *= scale;
  }
}

}  // namespace yv::diarize

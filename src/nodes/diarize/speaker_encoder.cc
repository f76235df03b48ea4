#include "nodes/diarize/speaker_encoder.h"

#include <cblas.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

#include "core/error.h"
#include "nodes/diarize/mel.h"

namespace yv::diarize {
namespace {

constexpr int kHidden = 256;
constexpr int kGates = 4 * kHidden;
constexpr int kLayers = 3;
constexpr size_t kBatch =
    64;  // windows per forward pass: 64 x 160 frames x 1024 gates = 42 MB of gate inputs

// The answer names the model by its file name only: the model folder is the server's business (the log
// has the whole path).
[[noreturn]] void bad_file(const std::filesystem::path& file, const std::string& why) {
  spdlog::error("speaker encoder {}: {}", file.string(), why);
  throw Error("model_load_failed", "cannot load the speaker encoder " + file.filename().string() + ": " + why,
              503);
}

class Reader {
 public:
  explicit Reader(const std::filesystem::path& file) : file_(file), in_(file, std::ios::binary) {
    if (!in_) bad_file(file_, "cannot open it (run scripts/serve or scripts/test to convert it)");
  }
  uint32_t u32() {
    uint32_t v = 0;
    read(&v, sizeof v);
    return v;
  }
  // Reads the next tensor, which must be `name` of `shape`.
  std::vector<float> tensor(const std::string& name, const std::vector<uint32_t>& shape) {
    std::string got(u32(), '\0');
    if (got.size() > 256) bad_file(file_, "corrupt tensor name");
    read(got.data(), got.size());
    std::vector<uint32_t> dims(u32());
    if (dims.size() > 4) bad_file(file_, "corrupt tensor shape");
    for (auto& d : dims) d = u32();
    if (got != name || dims != shape) bad_file(file_, "expected tensor " + name + ", found " + got);
    size_t n = 1;
    for (auto d : dims) n *= d;
    std::vector<float> v(n);
    read(v.data(), n * sizeof(float));
    return v;
  }

 private:
  void read(void* to, size_t bytes) {
    if (!in_.read(static_cast<char*>(to), std::streamsize(bytes))) bad_file(file_, "truncated");
  }
  std::filesystem::path file_;
  std::ifstream in_;
};

// exp(x) for the gates, in a form the compiler vectorises (std::exp is a library call per element, and the
// activations are a third of the forward pass otherwise): Cephes' expf, relative error below 2e-7.
inline float fast_exp(float x) {
  x = std::clamp(x, -87.0f, 87.0f);
  const float rounder = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer in the low mantissa bits
  const float n = (x * 1.44269504f + rounder) - rounder;
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  return p * std::bit_cast<float>((int32_t(n) + 127) << 23);
}
inline float sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }
inline float tanh_(float x) { return 2.0f / (1.0f + fast_exp(-2.0f * x)) - 1.0f; }

}  // namespace

SpeakerEncoder::SpeakerEncoder(const std::filesystem::path& weights) {
  Reader in(weights);
  constexpr uint32_t kMagic = 'Y' | 'V' << 8 | 'S' << 16 | uint32_t('E') << 24;
  if (in.u32() != kMagic) bad_file(weights, "not a YiVideo speaker encoder file");
  const uint32_t version = in.u32(), mels = in.u32(), hidden = in.u32(), layers = in.u32(),
                 embedding = in.u32(), tensors = in.u32();
  if (version != 1 || mels != kMelChannels || hidden != kHidden || layers != kLayers ||
      embedding != kEmbeddingSize || tensors != 4 * kLayers + 2) {
    bad_file(weights, "unexpected header (converted by another version of tools/ge2e_convert.py?)");
  }
  for (int l = 0; l < kLayers; ++l) {
    const auto n = std::to_string(l);
    Layer layer;
    layer.inputs = l == 0 ? kMelChannels : kHidden;
    layer.w_ih = in.tensor("lstm.weight_ih_l" + n, {kGates, uint32_t(layer.inputs)});
    layer.w_hh = in.tensor("lstm.weight_hh_l" + n, {kGates, kHidden});
    layer.bias = in.tensor("lstm.bias_ih_l" + n, {kGates});
    const auto b_hh = in.tensor("lstm.bias_hh_l" + n, {kGates});
    for (int i = 0; i < kGates; ++i) layer.bias[i] += b_hh[i];
    layers_.push_back(std::move(layer));
  }
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
  std::vector<float> gates(frames * count * kGates), h(count * kHidden), c(count * kHidden);
  std::vector<float> outputs(frames * count * kHidden);
  for (const Layer& layer : layers_) {
    // Input projections of every frame at once; the bias goes in here too.
    for (size_t row = 0; row < frames * count; ++row) {
      std::memcpy(&gates[row * kGates], layer.bias.data(), kGates * sizeof(float));
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(frames) * b, kGates, layer.inputs, 1.0f,
                input.data(), layer.inputs, layer.w_ih.data(), layer.inputs, 1.0f, gates.data(), kGates);
    std::fill(h.begin(), h.end(), 0.0f);
    std::fill(c.begin(), c.end(), 0.0f);
    for (size_t t = 0; t < frames; ++t) {
      float* g = &gates[t * count * kGates];
      if (t > 0) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, kGates, kHidden, 1.0f, h.data(), kHidden,
                    layer.w_hh.data(), kHidden, 1.0f, g, kGates);
      }
      for (size_t w = 0; w < count; ++w) {
        const float* gi = g + w * kGates;
        const float *gf = gi + kHidden, *gg = gi + 2 * kHidden, *go = gi + 3 * kHidden;
        float* cw = &c[w * kHidden];
        float* hw = &h[w * kHidden];
        for (int k = 0; k < kHidden; ++k) {
          cw[k] = sigmoid(gf[k]) * cw[k] + sigmoid(gi[k]) * tanh_(gg[k]);
          hw[k] = sigmoid(go[k]) * tanh_(cw[k]);
        }
      }
      std::memcpy(&outputs[t * count * kHidden], h.data(), count * kHidden * sizeof(float));
    }
    input.swap(outputs);
    outputs.resize(frames * count * kHidden);
  }
  // h is the last layer's final hidden state: linear, ReLU, unit length.
  for (size_t w = 0; w < count; ++w)
    std::memcpy(&out[w * kEmbeddingSize], linear_b_.data(), sizeof(float) * kEmbeddingSize);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, kEmbeddingSize, kHidden, 1.0f, h.data(), kHidden,
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

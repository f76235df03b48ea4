#include "nodes/diarize/lstm.h"

#include <cblas.h>
#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

namespace yv::diarize {
namespace {

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

LstmWeights LstmWeights::read(WeightFile& in, int layer, bool reverse, int inputs, int hidden) {
  LstmWeights w;
  w.inputs = inputs;
  w.hidden = hidden;
  const auto gates = uint32_t(4 * hidden);
  const auto name = [&](const char* what) {
    return fmt::format("lstm.{}_l{}{}", what, layer, reverse ? "_reverse" : "");
  };
  w.w_ih = in.tensor(name("weight_ih"), {gates, uint32_t(inputs)});
  w.w_hh = in.tensor(name("weight_hh"), {gates, uint32_t(hidden)});
  w.bias = in.tensor(name("bias_ih"), {gates});
  const auto b_hh = in.tensor(name("bias_hh"), {gates});
  for (size_t i = 0; i < gates; ++i) w.bias[i] += b_hh[i];
  return w;
}

void lstm_layer(const LstmWeights& w, const float* input, size_t frames, size_t count, bool reverse,
                float* out, size_t out_stride, size_t offset) {
  const int hidden = w.hidden, gates_n = 4 * hidden, b = int(count);
  std::vector<float> gates(frames * count * size_t(gates_n));
  // Input projections of every frame at once; the bias goes in here too.
  for (size_t row = 0; row < frames * count; ++row)
    std::memcpy(&gates[row * size_t(gates_n)], w.bias.data(), size_t(gates_n) * sizeof(float));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(frames) * b, gates_n, w.inputs, 1.0f, input,
              w.inputs, w.w_ih.data(), w.inputs, 1.0f, gates.data(), gates_n);
  std::vector<float> h(count * size_t(hidden), 0.0f), c(count * size_t(hidden), 0.0f);
  for (size_t step = 0; step < frames; ++step) {
    const size_t t = reverse ? frames - 1 - step : step;
    float* g = &gates[t * count * size_t(gates_n)];
    if (step > 0) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, gates_n, hidden, 1.0f, h.data(), hidden,
                  w.w_hh.data(), hidden, 1.0f, g, gates_n);
    }
    for (size_t s = 0; s < count; ++s) {
      const float* gi = g + s * size_t(gates_n);
      const float *gf = gi + hidden, *gg = gi + 2 * hidden, *go = gi + 3 * hidden;
      float* cs = &c[s * size_t(hidden)];
      float* hs = &h[s * size_t(hidden)];
      for (int k = 0; k < hidden; ++k) {
        cs[k] = sigmoid(gf[k]) * cs[k] + sigmoid(gi[k]) * tanh_(gg[k]);
        hs[k] = sigmoid(go[k]) * tanh_(cs[k]);
      }
      std::memcpy(&out[(t * count + s) * out_stride + offset], hs, size_t(hidden) * sizeof(float));
    }
  }
}

}  // namespace yv::diarize

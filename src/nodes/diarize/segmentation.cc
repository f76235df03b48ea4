#include "nodes/diarize/segmentation.h"

#include <cblas.h>
#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "nodes/diarize/weight_file.h"

namespace yv::diarize {
namespace {

constexpr int kSincFilters = 80, kSincTaps = 251, kSincStride = 10, kFeatures = 60, kHidden = 128;
constexpr int kLstmLayers = 4;
constexpr float kLeak = 0.01f;  // torch's leaky_relu default
constexpr float kEps = 1e-5f;   // InstanceNorm1d's default
constexpr size_t kBatch = 16;   // chunks per forward pass: 16 x 589 frames x 512 gates = 19 MB of gate inputs

float leaky(float v) { return v >= 0 ? v : kLeak * v; }

// Conv1d without padding of x [inputs][len] into out [outputs][(len - taps) / stride + 1] (im2col and one
// matrix product).
std::vector<float> conv1d(const std::vector<float>& x, size_t len, int inputs,
                          const std::vector<float>& weight, const std::vector<float>& bias, int outputs,
                          int taps, int stride) {
  const size_t out_len = (len - size_t(taps)) / size_t(stride) + 1, k = size_t(inputs) * size_t(taps);
  std::vector<float> columns(out_len * k);
  for (size_t t = 0; t < out_len; ++t)
    for (int i = 0; i < inputs; ++i)
      std::copy_n(&x[size_t(i) * len + t * size_t(stride)], taps, &columns[t * k + size_t(i) * size_t(taps)]);
  std::vector<float> out(size_t(outputs) * out_len, 0.0f);
  for (int o = 0; o < outputs && !bias.empty(); ++o)
    std::fill_n(&out[size_t(o) * out_len], out_len, bias[size_t(o)]);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, outputs, int(out_len), int(k), 1.0f, weight.data(),
              int(k), columns.data(), int(k), 1.0f, out.data(), int(out_len));
  return out;
}

// MaxPool1d(3, stride 3) of [channels][len], in place; returns the new length.
size_t pool3(std::vector<float>& x, int channels, size_t len) {
  const size_t out = len / 3;
  for (size_t c = 0; c < size_t(channels); ++c)
    for (size_t t = 0; t < out; ++t) {
      const float* v = &x[c * len + 3 * t];
      x[c * out + t] = std::max({v[0], v[1], v[2]});
    }
  x.resize(size_t(channels) * out);
  return out;
}

// InstanceNorm1d (affine) of each channel of [channels][len] over time, then leaky ReLU when `activate`.
void instance_norm(std::vector<float>& x, int channels, size_t len, const float* weight, const float* bias,
                   bool activate) {
  for (size_t c = 0; c < size_t(channels); ++c) {
    float* v = &x[c * len];
    double sum = 0, squares = 0;
    for (size_t t = 0; t < len; ++t) sum += v[t];
    const double mean = sum / double(len);
    for (size_t t = 0; t < len; ++t) squares += (v[t] - mean) * (v[t] - mean);
    const float scale = weight[c] / float(std::sqrt(squares / double(len) + kEps));
    for (size_t t = 0; t < len; ++t) {
      const float y = float(v[t] - mean) * scale + bias[c];
      v[t] = activate ? leaky(y) : y;
    }
  }
}

// Rows of x [rows][inputs] through a linear layer [outputs][inputs] and leaky ReLU when `activate`.
std::vector<float> linear(const std::vector<float>& x, size_t rows, int inputs,
                          const std::vector<float>& weight, const std::vector<float>& bias, int outputs,
                          bool activate) {
  std::vector<float> out(rows * size_t(outputs));
  for (size_t r = 0; r < rows; ++r) std::copy(bias.begin(), bias.end(), &out[r * size_t(outputs)]);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(rows), outputs, inputs, 1.0f, x.data(), inputs,
              weight.data(), inputs, 1.0f, out.data(), outputs);
  if (activate)
    for (float& v : out) v = leaky(v);
  return out;
}

}  // namespace

SpeakerSegmentation::SpeakerSegmentation(const std::filesystem::path& weights) {
  WeightFile in(weights, "speaker segmentation", "YVSG");
  const uint32_t version = in.u32(), tensors = in.u32();
  if (version != 1 || tensors != 2 + 3 + 8 + 8 * kLstmLayers + 6)
    in.fail("unexpected header (converted by another version of tools/pyannote_seg_convert.py?)");
  wav_norm_ = in.tensor("sincnet.wav_norm1d.weight", {1});
  wav_norm_.push_back(in.tensor("sincnet.wav_norm1d.bias", {1})[0]);
  sinc_ = {1,
           kSincFilters,
           kSincTaps,
           in.tensor("sincnet.conv1d.0.filters", {kSincFilters, kSincTaps}),
           {},
           in.tensor("sincnet.norm1d.0.weight", {kSincFilters}),
           in.tensor("sincnet.norm1d.0.bias", {kSincFilters})};
  for (int i : {1, 2}) {
    const int inputs = i == 1 ? kSincFilters : kFeatures;
    Conv conv{inputs, kFeatures, 5, {}, {}, {}, {}};
    conv.weight = in.tensor(fmt::format("sincnet.conv1d.{}.weight", i), {kFeatures, uint32_t(inputs), 5});
    conv.bias = in.tensor(fmt::format("sincnet.conv1d.{}.bias", i), {kFeatures});
    conv.norm_weight = in.tensor(fmt::format("sincnet.norm1d.{}.weight", i), {kFeatures});
    conv.norm_bias = in.tensor(fmt::format("sincnet.norm1d.{}.bias", i), {kFeatures});
    (i == 1 ? conv1_ : conv2_) = std::move(conv);
  }
  for (int l = 0; l < kLstmLayers; ++l)
    for (bool reverse : {false, true})
      lstm_.push_back(LstmWeights::read(in, l, reverse, l == 0 ? kFeatures : 2 * kHidden, kHidden));
  linear0_w_ = in.tensor("linear.0.weight", {kHidden, 2 * kHidden});
  linear0_b_ = in.tensor("linear.0.bias", {kHidden});
  linear1_w_ = in.tensor("linear.1.weight", {kHidden, kHidden});
  linear1_b_ = in.tensor("linear.1.bias", {kHidden});
  classifier_w_ = in.tensor("classifier.weight", {kPowersetClasses, kHidden});
  classifier_b_ = in.tensor("classifier.bias", {kPowersetClasses});
}

size_t SpeakerSegmentation::frames(size_t samples) {
  size_t len = (samples - kSincTaps) / kSincStride + 1;
  len = len / 3;
  len = (len - 4) / 3;
  return (len - 4) / 3;
}

void SpeakerSegmentation::features(const float* samples, size_t n, float* out, size_t stride,
                                   size_t offset) const {
  std::vector<float> x(samples, samples + n);
  instance_norm(x, 1, n, &wav_norm_[0], &wav_norm_[1], false);
  x = conv1d(x, n, 1, sinc_.weight, sinc_.bias, kSincFilters, kSincTaps, kSincStride);
  size_t len = (n - kSincTaps) / kSincStride + 1;
  for (float& v : x) v = std::abs(v);  // SincNet's magnitude after the band-pass filters
  len = pool3(x, kSincFilters, len);
  instance_norm(x, kSincFilters, len, sinc_.norm_weight.data(), sinc_.norm_bias.data(), true);
  for (const Conv* conv : {&conv1_, &conv2_}) {
    x = conv1d(x, len, conv->inputs, conv->weight, conv->bias, kFeatures, conv->taps, 1);
    len = pool3(x, kFeatures, len - size_t(conv->taps) + 1);
    instance_norm(x, kFeatures, len, conv->norm_weight.data(), conv->norm_bias.data(), true);
  }
  for (size_t t = 0; t < len; ++t)
    for (size_t c = 0; c < kFeatures; ++c) out[t * stride + offset + c] = x[c * len + t];
}

std::vector<float> SpeakerSegmentation::log_probabilities(const float* chunks, size_t count,
                                                          size_t samples) const {
  const size_t per_chunk = frames(samples) * kPowersetClasses;
  std::vector<float> out(count * per_chunk);
  for (size_t first = 0; first < count; first += kBatch) {
    const size_t n = std::min(kBatch, count - first);
    forward_batch(chunks + first * samples, n, samples, &out[first * per_chunk]);
  }
  return out;
}

void SpeakerSegmentation::forward_batch(const float* chunks, size_t count, size_t samples, float* out) const {
  const size_t t_n = frames(samples), rows = t_n * count;
  // Time-major [frames][count][features] for the LSTM.
  std::vector<float> x(rows * kFeatures);
  for (size_t c = 0; c < count; ++c)
    features(chunks + c * samples, samples, x.data(), count * kFeatures, c * kFeatures);
  std::vector<float> y(rows * 2 * kHidden);
  for (size_t l = 0; l < lstm_.size(); l += 2) {
    lstm_layer(lstm_[l], x.data(), t_n, count, false, y.data(), 2 * kHidden, 0);
    lstm_layer(lstm_[l + 1], x.data(), t_n, count, true, y.data(), 2 * kHidden, kHidden);
    x.swap(y);
    y.resize(rows * 2 * kHidden);
  }
  x = linear(x, rows, 2 * kHidden, linear0_w_, linear0_b_, kHidden, true);
  x = linear(x, rows, kHidden, linear1_w_, linear1_b_, kHidden, true);
  x = linear(x, rows, kHidden, classifier_w_, classifier_b_, kPowersetClasses, false);
  for (size_t t = 0; t < t_n; ++t)
    for (size_t c = 0; c < count; ++c) {
      const float* logits = &x[(t * count + c) * kPowersetClasses];
      const float top = *std::max_element(logits, logits + kPowersetClasses);
      double sum = 0;
      for (int k = 0; k < kPowersetClasses; ++k) sum += std::exp(double(logits[k] - top));
      const float log_sum = top + float(std::log(sum));
      for (int k = 0; k < kPowersetClasses; ++k)
        out[(c * t_n + t) * kPowersetClasses + size_t(k)] = logits[k] - log_sum;
    }
}

}  // namespace yv::diarize

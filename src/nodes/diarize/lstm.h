// One LSTM layer in one direction over many sequences at once (the diarization networks': GE2E's encoder and
// pyannote's segmentation). The input projections of every frame of every sequence are one matrix product,
// and each time step's recurrent product covers the whole batch (OpenBLAS sgemm).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "nodes/diarize/weight_file.h"

namespace yv::diarize {

struct LstmWeights {
  int inputs = 0, hidden = 0;
  std::vector<float> w_ih, w_hh,
      bias;  // [4H][inputs], [4H][H], b_ih + b_hh; gates in PyTorch's order i f g o

  // Reads PyTorch's lstm.weight_ih_l<layer>, weight_hh, bias_ih and bias_hh (with "_reverse" after each for
  // the backward direction), in that order.
  static LstmWeights read(WeightFile& in, int layer, bool reverse, int inputs, int hidden);
};

// Runs `w` over `count` sequences of `frames` frames, time-major: input [frames][count][w.inputs]. Writes
// each hidden state h_t of sequence s to out[(t * count + s) * out_stride + offset ...] (w.hidden values),
// from the first frame on, or from the last back when `reverse` (the backward half of a bidirectional layer).
void lstm_layer(const LstmWeights& w, const float* input, size_t frames, size_t count, bool reverse,
                float* out, size_t out_stride, size_t offset);

}  // namespace yv::diarize

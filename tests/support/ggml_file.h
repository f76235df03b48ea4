// Small ggml Whisper model files for tests of the model catalogue: the real layout (model_file.h) with a
// Whisper model's hyper-parameters, a few vocabulary tokens and one small tensor, but no real weights. They
// pass the catalogue's checks; whisper.cpp would refuse to load them (tensors missing).
#pragma once

#include <cstdint>
#include <filesystem>

namespace yv::test {

struct GgmlFile {
  int32_t n_vocab = 51864;  // English-only
  int32_t ftype = 1;        // f16
  int32_t tensor_dims = 2;  // the tensor's number of dimensions
};

// Writes `spec` to `path`; returns the file's size.
uint64_t write_ggml_file(const std::filesystem::path& path, const GgmlFile& spec = {});

}  // namespace yv::test

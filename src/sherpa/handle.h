// Ownership of sherpa-onnx C API objects: each is created by SherpaOnnxCreate<X> and released by its own
// SherpaOnnxDestroy<X>, so a handle carries its destroy function. Shared by every runtime built on
// sherpa-onnx (speech synthesis, source separation, speech denoising).
#pragma once

#include <memory>

namespace yv::sherpa {

template <typename T>
using Handle = std::unique_ptr<const T, void (*)(const T*)>;

}  // namespace yv::sherpa

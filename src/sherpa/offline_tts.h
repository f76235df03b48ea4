// A VITS network run by sherpa-onnx's offline TTS through its C API (sherpa-onnx-core 2.0.1 from PyPI, with
// its own ONNX Runtime; scripts/lib/deps.sh yv_ensure_sherpa_onnx).
//
// Only the C API is used: the C++ wrapper the wheel ships (cxx-api.h) is built with the old libstdc++ string
// ABI and cannot take our std::strings. Since 2.0 sherpa-onnx does not phonemize for VITS voices (its
// `data_dir` is ignored): the caller gives each sentence as the network's own symbols, which sherpa-onnx
// looks up in the voice's tokens.txt and frames with Piper's start, pad and end ids. Phonemes come from
// Debian's espeak-ng (tts/espeak.h).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sherpa/handle.h"

struct SherpaOnnxOfflineTts;

namespace yv::sherpa {

struct VitsOptions {
  std::filesystem::path model;   // the network, with sherpa-onnx's metadata (tools/piper_voice.py)
  std::filesystem::path tokens;  // "<symbol> <id>" a line
  float noise_scale = 0.667f;    // the voice's own inference settings (its .onnx.json)
  float noise_scale_w = 0.8f;
  float length_scale = 1.0f;
  int threads = 2;
};

class OfflineTts {
 public:
  // Loads the network. Throws yv::Error "model_load_failed" (500) when sherpa-onnx refuses the files.
  explicit OfflineTts(const VitsOptions& options);

  int sample_rate() const;

  // The waveform (mono, [-1, 1], sample_rate()) of one sentence given as the network's symbols (code
  // points; symbols the voice lacks are skipped by sherpa-onnx). `speed` > 1 speaks faster. Safe to call from
  // several threads (calls are serialized). Throws yv::Error "synthesis_failed" (500) when generation fails.
  std::vector<float> speak(const std::u32string& symbols, float speed) const;

 private:
  Handle<SherpaOnnxOfflineTts> tts_;
  mutable std::mutex mutex_;
};

}  // namespace yv::sherpa

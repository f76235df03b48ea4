// A speech network run by sherpa-onnx's offline TTS through its C API (sherpa-onnx-core 2.0.1 from PyPI, with
// its own ONNX Runtime; scripts/lib/deps.sh yv_ensure_sherpa_onnx): a VITS voice (Piper), or an acoustic
// model on sherpa-onnx's Matcha path that writes samples itself (the Mandarin voice, tools/zhtts_voice.py).
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
struct SherpaOnnxGenerationConfig;
struct SherpaOnnxOfflineTtsConfig;

namespace yv::sherpa {

struct VitsOptions {
  std::filesystem::path model;   // the network, with sherpa-onnx's metadata (tools/piper_voice.py)
  std::filesystem::path tokens;  // "<symbol> <id>" a line
  float noise_scale = 0.667f;    // the voice's own inference settings (its .onnx.json)
  float noise_scale_w = 0.8f;
  float length_scale = 1.0f;
  int threads = 2;
};

// An acoustic model whose output is named audio_output (sherpa-onnx then needs no vocoder), given its tokens
// by name: speak_tokens().
struct AcousticOptions {
  std::filesystem::path model;   // with sherpa-onnx's Matcha metadata (tools/zhtts_voice.py)
  std::filesystem::path tokens;  // "<symbol> <id>" a line
  int threads = 2;
};

class OfflineTts {
 public:
  // Loads the network. Throws yv::Error "model_load_failed" (500) when sherpa-onnx refuses the files.
  explicit OfflineTts(const VitsOptions& options);
  explicit OfflineTts(const AcousticOptions& options);

  int sample_rate() const;

  // The waveform (mono, [-1, 1], sample_rate()) of one sentence given as the network's symbols (code
  // points; symbols the voice lacks are skipped by sherpa-onnx). `speed` > 1 speaks faster. Safe to call from
  // several threads (calls are serialized). Throws yv::Error "synthesis_failed" (500) when generation fails.
  std::vector<float> speak(const std::u32string& symbols, float speed) const;

  // The same for a sentence given as the names of the network's tokens (lines of its tokens file; names it
  // lacks are skipped by sherpa-onnx).
  std::vector<float> speak_tokens(const std::vector<std::string>& tokens, float speed) const;

 private:
  void create(const SherpaOnnxOfflineTtsConfig& config, const std::filesystem::path& model);
  std::vector<float> generate(const SherpaOnnxGenerationConfig& config) const;

  Handle<SherpaOnnxOfflineTts> tts_;
  mutable std::mutex mutex_;
};

}  // namespace yv::sherpa

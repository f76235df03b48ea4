// A loaded Whisper model and transcription with it: the thin RAII wrapper around whisper.cpp.
//
// Loading is the expensive part (weights into memory, backends initialised), so a worker process loads a
// model once and reuses it. The weights live in one whisper_context shared by every call; each transcribe()
// makes its own whisper_state, so concurrent calls on one Model are safe.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "media/audio_decoder.h"
#include "nodes/whisper/transcript.h"

struct whisper_context;

namespace yv::whisper {

// Parameters of one transcription. Defaults follow faster-whisper's, so results are comparable.
struct TranscribeOptions {
  // ISO 639-1 code, or "auto" to detect it (English-only models always use "en").
  std::string language = "auto";
  std::string task = "transcribe";  // "transcribe", or "translate" (into English; multilingual models only)
  int beam_size = 5;                // 1 selects greedy decoding
  int best_of = 5;                  // candidates when sampling at a fallback temperature
  // Decoding temperature, and the step by which it rises when a window's decoding fails the entropy or
  // log-probability checks (0: no fallback); faster-whisper's default list 0.0, 0.2, ..., 1.0.
  float temperature = 0.0f;
  float temperature_increment = 0.2f;
  bool word_timestamps = true;  // fill Segment::words
  // Whether each 30 s window is primed with the text of the windows before it. When false, no window is, and
  // an initial prompt primes every window alone (faster-whisper primes only the first with it then).
  bool condition_on_previous_text = true;
  std::string initial_prompt;  // text that primes the decoder (names, spelling, style)
  int threads = 0;             // 0: one per hardware thread, at most 8
  const std::atomic<bool>* cancelled =
      nullptr;  // when set and true, decoding stops and "cancelled" is thrown
};

// The threads a transcription with TranscribeOptions::threads = `requested` uses.
int thread_count(int requested);

// Fraction of the audio done so far, in [0, 1]; called from the transcribing thread.
using ProgressFn = std::function<void(double fraction)>;

class Model {
 public:
  // Loads a ggml model file, after checking it (check_model_file).
  // Throws yv::Error "model_load_failed" (503), saying what is wrong, when the file is not a complete ggml
  // Whisper model or whisper.cpp cannot load it.
  static std::unique_ptr<Model> load(const std::filesystem::path& file, bool use_gpu = true);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Transcribes 16 kHz mono audio.
  // Throws yv::Error "invalid_parameter" (400) for an unknown language or task, or translate on an
  // English-only model; "invalid_media" (400) for audio at another rate; "cancelled" (409) when
  // options.cancelled became true; "transcription_failed" (500) if whisper.cpp fails.
  Transcript transcribe(const media::Audio& audio, const TranscribeOptions& options,
                        const ProgressFn& progress = nullptr) const;

  bool multilingual() const;

 private:
  explicit Model(whisper_context* ctx) : ctx_(ctx) {}
  whisper_context* ctx_;
};

// Routes whisper.cpp's and ggml's log lines to spdlog at debug level (they are noisy at info).
void route_native_logs();

}  // namespace yv::whisper

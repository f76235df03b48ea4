#include "media/vad.h"

#include <whisper.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include "core/error.h"
#include "nodes/whisper/model.h"
#include "nodes/whisper/model_store.h"

namespace yv::media {
namespace {

constexpr double kWindowSeconds = 512.0 / WHISPER_SAMPLE_RATE;  // Silero's window at 16 kHz

struct ContextFreer {
  void operator()(whisper_vad_context* c) const { whisper_vad_free(c); }
};
struct SegmentsFreer {
  void operator()(whisper_vad_segments* s) const { whisper_vad_free_segments(s); }
};

// Silero's scores fall with the level: JFK at RMS 0.003 (-50 dBFS) loses its first words, at RMS 0.001 most
// of its speech. A quiet input is raised (a copy) until its peak is at -6 dBFS, by 40 dB at most, so that a
// recording's level does not decide what is speech; the network tells speech from hiss and music at any level
// (tests/e2e/vad_test.cc). Returns nothing when the input is loud enough as it is.
std::vector<float> raised(const std::vector<float>& samples) {
  constexpr float kTargetPeak = 0.5f, kMaxGain = 100.0f;
  float peak = 0;
  for (float x : samples) peak = std::max(peak, std::abs(x));
  if (peak == 0 || peak >= kTargetPeak / 2) return {};
  const float gain = std::min(kMaxGain, kTargetPeak / peak);
  std::vector<float> out(samples.size());
  std::transform(samples.begin(), samples.end(), out.begin(), [gain](float x) { return x * gain; });
  return out;
}

// Whether `file` has the layout whisper.cpp's Silero graph is built for (tools/silero_to_ggml.py).
// whisper.cpp sizes its arrays and tensors from the file's header and aborts the process on values it cannot
// use, so a corrupt file is refused here first: the header's fields must be the network's, and every tensor
// record must be well formed and lie inside the file (whisper.cpp checks the names and shapes itself).
bool well_formed(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  std::ifstream in(file, std::ios::binary);
  if (ec || !in) return false;
  const auto next = [&in](int32_t& v) { return bool(in.read(reinterpret_cast<char*>(&v), sizeof v)); };
  int32_t v = 0;
  std::string type(10, '\0');
  if (!next(v) || uint32_t(v) != 0x67676d6cu || !next(v) || v != 10 || !in.read(type.data(), 10) ||
      type != "silero-16k")
    return false;
  // Version (any), window, context, 4 layers of (in, out, kernel), LSTM input and hidden size, final conv.
  for (int32_t expected :
       {-1, -1, -1, 512, 64, 4, 129, 128, 3, 128, 64, 3, 64, 64, 3, 64, 128, 3, 128, 128, 128, 1})
    if (!next(v) || (expected >= 0 && v != expected)) return false;
  int tensors = 0;
  uint64_t end = uint64_t(in.tellg());  // of the last record read
  for (int32_t dims = 0; next(dims); ++tensors) {
    int32_t name = 0, type_id = 0;
    if (dims < 1 || dims > 4 || !next(name) || name < 1 || name > 64 || !next(type_id) || type_id < 0 ||
        type_id > 1)
      return false;
    uint64_t bytes = type_id == 0 ? 4 : 2;
    for (int i = 0; i < dims; ++i) {
      if (!next(v) || v < 1 || v > (1 << 20)) return false;
      bytes *= uint64_t(v);
      if (bytes > size) return false;  // and so never overflows
    }
    end = uint64_t(in.tellg()) + uint64_t(name) + bytes;
    if (end > size || !in.seekg(std::streamoff(end))) return false;
  }
  return tensors == 15 && end == size;
}

// The process's Silero model, loaded on first use. whisper_vad_context keeps the LSTM's state and the last
// probabilities, so one detection runs at a time.
class Detector {
 public:
  static Detector& shared() {
    static Detector detector;
    return detector;
  }

  std::vector<SpeechRegion> regions(const Audio& audio, const VadOptions& o) {
    std::lock_guard lock(mutex_);
    if (!ctx_) load();
    // Silero's own parameters, in whisper.cpp's units; no region is cut for length (max_speech_duration_s),
    // and samples_overlap only concerns whisper.cpp's own joining, which is not used.
    whisper_vad_params params = whisper_vad_default_params();
    params.threshold = float(o.threshold);
    params.min_speech_duration_ms = int(o.min_speech_seconds * 1000);
    params.min_silence_duration_ms = int(o.bridge_seconds * 1000);
    params.speech_pad_ms = int(o.pad_seconds * 1000);
    const std::vector<float> louder = raised(audio.samples);
    const std::vector<float>& samples = louder.empty() ? audio.samples : louder;
    if (!whisper_vad_detect_speech(ctx_.get(), samples.data(), int(samples.size()))) {
      throw Error("vad_failed", "whisper.cpp could not run the voice activity detector", 500);
    }
    std::unique_ptr<whisper_vad_segments, SegmentsFreer> segments(
        whisper_vad_segments_from_probs(ctx_.get(), params));
    if (!segments) throw Error("vad_failed", "whisper.cpp could not find the speech regions", 500);
    std::vector<SpeechRegion> out;
    const double total = audio.duration();
    const float* probs = whisper_vad_probs(ctx_.get());
    const int windows = whisper_vad_n_probs(ctx_.get());
    for (int i = 0; i < whisper_vad_segments_n_segments(segments.get()); ++i) {
      // Centiseconds; the last window is zero-padded, so an end may fall past the audio.
      const double start = whisper_vad_segments_get_segment_t0(segments.get(), i) / 100.0;
      const double end = std::min(total, whisper_vad_segments_get_segment_t1(segments.get(), i) / 100.0);
      // Silero's rule measures a region from its first speech window to the silence that ends it, so with
      // long bridges a few isolated windows over the threshold (a note's onset in music) make a region of
      // seconds. A region must hold min_speech_seconds of windows scored as speech.
      int speech_windows = 0;
      for (int w = int(start / kWindowSeconds); w < windows && w * kWindowSeconds < end; ++w)
        speech_windows += probs[w] >= params.threshold;
      if (end > start && speech_windows * kWindowSeconds >= o.min_speech_seconds)
        out.push_back({start, end, 0});
    }
    return out;
  }

 private:
  void load() {
    whisper::route_native_logs();
    const auto file = whisper::vad_model_path();
    whisper_vad_context_params params = whisper_vad_default_context_params();
    // The network is tiny (32 ms windows, one at a time): a second thread only adds synchronisation.
    params.n_threads = 1;
    const auto refuse = [&](const std::string& why) {
      return Error("model_load_failed",
                   "cannot load the Silero VAD model " + file.string() + why +
                       " (run scripts/serve or scripts/test to install it)",
                   503);
    };
    if (!well_formed(file)) throw refuse(": missing, or not a Silero VAD ggml file");
    try {
      ctx_.reset(whisper_vad_init_from_file_with_params(file.c_str(), params));
    } catch (const std::exception& e) {
      // whisper.cpp sizes its arrays from the file's header: a corrupt one throws from inside it.
      throw refuse(std::string(": ") + e.what());
    }
    if (!ctx_) throw refuse("");
  }

  std::mutex mutex_;
  std::unique_ptr<whisper_vad_context, ContextFreer> ctx_;
};

}  // namespace

double SpeechOnly::to_original(double t) const {
  for (auto it = regions.rbegin(); it != regions.rend(); ++it) {
    if (t >= it->offset) return std::min(it->end, it->start + (t - it->offset));
  }
  return regions.empty() ? t : regions.front().start;
}

std::vector<SpeechRegion> speech_regions(const Audio& audio, const VadOptions& options) {
  if (audio.sample_rate != WHISPER_SAMPLE_RATE) {
    throw Error(
        "invalid_media",
        "voice activity detection needs 16 kHz audio, got " + std::to_string(audio.sample_rate) + " Hz", 400);
  }
  if (audio.samples.empty()) return {};
  if (audio.samples.size() > size_t(INT_MAX)) {  // whisper.cpp counts samples in an int: 37 hours
    throw Error("invalid_media", "voice activity detection takes at most 37 hours of audio at once", 400);
  }
  return Detector::shared().regions(audio, options);
}

SpeechOnly keep_speech(const Audio& audio, const VadOptions& options) {
  SpeechOnly out;
  out.audio.sample_rate = audio.sample_rate;
  out.regions = speech_regions(audio, options);
  for (auto& r : out.regions) {
    r.offset = out.audio.duration();
    const auto from = size_t(r.start * audio.sample_rate),
               to = std::min(audio.samples.size(), size_t(r.end * audio.sample_rate));
    out.audio.samples.insert(out.audio.samples.end(), audio.samples.begin() + long(from),
                             audio.samples.begin() + long(to));
  }
  return out;
}

}  // namespace yv::media

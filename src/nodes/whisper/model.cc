#include "nodes/whisper/model.h"

#include <spdlog/spdlog.h>
#include <whisper.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "nodes/whisper/model_file.h"

namespace yv::whisper {
namespace {

struct StateFreer {
  void operator()(whisper_state* s) const { whisper_free_state(s); }
};
using StatePtr = std::unique_ptr<whisper_state, StateFreer>;

void log_line(ggml_log_level level, const char* text, void*) {
  std::string_view line(text);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return;
  if (level == GGML_LOG_LEVEL_ERROR) {
    spdlog::warn("whisper.cpp: {}", line);
  } else {
    spdlog::debug("whisper.cpp: {}", line);
  }
}

double centiseconds(int64_t t) { return double(t) / 100.0; }

// Whether the UTF-8 text ends inside a character: byte-level tokens can split one (a Chinese character is
// often two tokens), and the rest belongs to the same word whatever it looks like.
bool ends_mid_character(const std::string& text) {
  for (size_t back = 1; back <= std::min<size_t>(4, text.size()); ++back) {
    const auto c = static_cast<unsigned char>(text[text.size() - back]);
    if ((c & 0xc0) == 0x80) continue;  // continuation byte: look further back
    const size_t length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return length > back;
  }
  return false;
}

// Whether a character at this lead byte belongs to a script written without spaces between words: U+3000 to
// U+9FFF (CJK punctuation, kana, CJK ideographs) and U+F000 to U+FFFF (compatibility ideographs, full-width
// forms). Each such token is a word of its own; subtitles later join them at real word boundaries.
bool unspaced_script(unsigned char lead) { return (lead >= 0xe3 && lead <= 0xe9) || lead == 0xef; }

// The lead byte of the last character of UTF-8 text (0 for empty text).
unsigned char last_lead(const std::string& text) {
  size_t i = text.size();
  while (i > 0 && (static_cast<unsigned char>(text[i - 1]) & 0xc0) == 0x80) --i;
  return i ? static_cast<unsigned char>(text[i - 1]) : 0;
}

// Whisper marks a new word by a token that starts with a space; tokens without one continue the word
// (" Amer" + "icans"), except in scripts written without spaces (see unspaced_script). Special and timestamp
// tokens are not text.
void add_token(Segment& seg, const std::string& text, const whisper_token_data& data, int& tokens_in_word) {
  const bool continues = !seg.words.empty() && !text.empty() &&
                         (ends_mid_character(seg.words.back().word) ||
                          (text[0] != ' ' && !unspaced_script(static_cast<unsigned char>(text[0])) &&
                           !unspaced_script(last_lead(seg.words.back().word))));
  if (!continues) {
    seg.words.push_back({centiseconds(data.t0), centiseconds(data.t1), text, data.p});
    tokens_in_word = 1;
    return;
  }
  Word& w = seg.words.back();
  w.word += text;
  w.end = centiseconds(data.t1);
  w.probability = (w.probability * tokens_in_word + data.p) / (tokens_in_word + 1);
  tokens_in_word++;
}

}  // namespace

void route_native_logs() {
  static std::once_flag once;
  std::call_once(once, [] {
    whisper_log_set(log_line, nullptr);
    ggml_log_set(log_line, nullptr);
  });
}

int thread_count(int requested) {
  if (requested > 0) return requested;
  return std::clamp(int(std::thread::hardware_concurrency()), 1, 8);
}

std::unique_ptr<Model> Model::load(const std::filesystem::path& file, bool use_gpu) {
  route_native_logs();
  // whisper.cpp aborts the process on some malformed files: they are refused before it reads them. The
  // messages name the file, not its directory: they reach API clients.
  try {
    check_model_file(file);
  } catch (const Error& e) {
    throw Error("model_load_failed", e.detail() + "; install the model again (yivideo models)", 503);
  }
  whisper_context_params params = whisper_context_default_params();
  params.use_gpu = use_gpu;
  whisper_context* ctx = whisper_init_from_file_with_params_no_state(file.c_str(), params);
  if (!ctx) {
    throw Error("model_load_failed",
                "whisper.cpp cannot load " + file.filename().string() + " (the worker's log says why)", 503);
  }
  return std::unique_ptr<Model>(new Model(ctx));
}

Model::~Model() { whisper_free(ctx_); }

bool Model::multilingual() const { return whisper_is_multilingual(ctx_) != 0; }

Transcript Model::transcribe(const media::Audio& audio, const TranscribeOptions& options,
                             const ProgressFn& progress) const {
  if (audio.sample_rate != WHISPER_SAMPLE_RATE) {
    throw Error("invalid_media",
                "Whisper needs 16 kHz audio, got " + std::to_string(audio.sample_rate) + " Hz", 400);
  }
  if (options.task != "transcribe" && options.task != "translate") {
    throw Error("invalid_parameter", "task must be 'transcribe' or 'translate', not '" + options.task + "'",
                400);
  }
  if (options.beam_size < 1 || options.best_of < 1) {
    throw Error("invalid_parameter", "beam_size and best_of must be at least 1", 400);
  }
  StatePtr state(whisper_init_state(ctx_));
  if (!state) throw Error("transcription_failed", "whisper.cpp could not allocate its state", 500);
  const int threads = thread_count(options.threads);
  const int n_samples = int(audio.samples.size());

  Transcript t;
  t.duration = audio.duration();
  t.language = options.language;
  t.language_probability = 1.0;
  if (!multilingual()) {
    if (options.task == "translate") {
      throw Error("invalid_parameter", "translate needs a multilingual model; this one is English-only", 400);
    }
    t.language = "en";
  } else if (t.language.empty() || t.language == "auto") {
    // Detect once here (whisper_full would detect too, but without telling us how sure it is).
    std::vector<float> probs(whisper_lang_max_id() + 1);
    if (whisper_pcm_to_mel_with_state(ctx_, state.get(), audio.samples.data(), n_samples, threads) != 0) {
      throw Error("transcription_failed", "whisper.cpp could not compute the spectrogram", 500);
    }
    const int id = whisper_lang_auto_detect_with_state(ctx_, state.get(), 0, threads, probs.data());
    if (id < 0) throw Error("transcription_failed", "whisper.cpp could not detect the language", 500);
    t.language = whisper_lang_str(id);
    t.language_probability = probs[id];
  } else if (whisper_lang_id(t.language.c_str()) < 0) {
    throw Error("invalid_parameter", "unknown language '" + t.language + "'", 400);
  }

  whisper_full_params p = whisper_full_default_params(options.beam_size > 1 ? WHISPER_SAMPLING_BEAM_SEARCH
                                                                            : WHISPER_SAMPLING_GREEDY);
  p.n_threads = threads;
  p.language = t.language.c_str();
  p.translate = options.task == "translate";
  p.beam_search.beam_size = options.beam_size;
  p.greedy.best_of = options.best_of;
  p.temperature = options.temperature;
  p.temperature_inc = options.temperature_increment;
  p.token_timestamps = options.word_timestamps;
  p.initial_prompt = options.initial_prompt.empty() ? nullptr : options.initial_prompt.c_str();
  if (!options.condition_on_previous_text) {
    // no_context only forgets what an earlier call left in the state: within a call, whisper.cpp primes each
    // window with the text of the windows before unless its text budget is zero. An initial prompt keeps its
    // place in every window, alone (carried, with a budget of its own length).
    p.no_context = true;
    p.n_max_text_ctx = 0;
    if (p.initial_prompt) {
      p.carry_initial_prompt = true;
      p.n_max_text_ctx = std::max(0, whisper_token_count(ctx_, p.initial_prompt)) + 1;
    }
  }
  p.print_progress = p.print_realtime = p.print_timestamps = p.print_special = false;
  if (progress) {
    p.progress_callback = [](whisper_context*, whisper_state*, int percent, void* user) {
      (*static_cast<const ProgressFn*>(user))(std::clamp(percent, 0, 100) / 100.0);
    };
    p.progress_callback_user_data = const_cast<ProgressFn*>(&progress);
  }
  if (options.cancelled) {
    p.abort_callback = [](void* flag) { return static_cast<const std::atomic<bool>*>(flag)->load(); };
    p.abort_callback_user_data = const_cast<std::atomic<bool>*>(options.cancelled);
  }
  const int rc = whisper_full_with_state(ctx_, state.get(), p, audio.samples.data(), n_samples);
  if (options.cancelled && options.cancelled->load())
    throw Error("cancelled", "transcription was cancelled", 409);
  if (rc != 0) {
    throw Error("transcription_failed", "whisper.cpp failed to transcribe the audio", 500);
  }

  const whisper_token eot = whisper_token_eot(ctx_);
  const int n_segments = whisper_full_n_segments_from_state(state.get());
  for (int i = 0; i < n_segments; ++i) {
    Segment seg;
    seg.id = i;
    seg.start = centiseconds(whisper_full_get_segment_t0_from_state(state.get(), i));
    seg.end = centiseconds(whisper_full_get_segment_t1_from_state(state.get(), i));
    seg.text = whisper_full_get_segment_text_from_state(state.get(), i);
    seg.no_speech_prob = whisper_full_get_segment_no_speech_prob_from_state(state.get(), i);
    double logprob_sum = 0;
    int text_tokens = 0, tokens_in_word = 0;
    const int n_tokens = whisper_full_n_tokens_from_state(state.get(), i);
    for (int j = 0; j < n_tokens; ++j) {
      const whisper_token_data data = whisper_full_get_token_data_from_state(state.get(), i, j);
      if (data.id >= eot) continue;
      logprob_sum += data.plog;
      text_tokens++;
      if (options.word_timestamps) {
        add_token(seg, whisper_full_get_token_text_from_state(ctx_, state.get(), i, j), data, tokens_in_word);
      }
    }
    seg.avg_logprob = text_tokens ? logprob_sum / text_tokens : 0.0;
    // Whisper times within its 30 s window; past the end of shorter audio those times are invented.
    const auto inside = [&](double x) { return std::clamp(x, 0.0, t.duration); };
    seg.start = inside(seg.start);
    seg.end = inside(seg.end);
    for (auto& w : seg.words) {
      w.start = std::clamp(w.start, seg.start, seg.end);
      w.end = std::clamp(w.end, w.start, seg.end);
    }
    t.segments.push_back(std::move(seg));
  }
  if (progress) progress(1.0);
  return t;
}

}  // namespace yv::whisper

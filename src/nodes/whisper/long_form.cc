#include "nodes/whisper/long_form.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "media/vad.h"
#include "nodes/whisper/repetition.h"

namespace yv::whisper {
namespace {

constexpr int kRate = 16000;

// Index in [from, to) of the start of the quietest 100 ms window (by energy).
size_t quietest(const std::vector<float>& s, size_t from, size_t to) {
  constexpr size_t kWindow = kRate / 10;
  size_t best = to;
  double best_energy = INFINITY;
  for (size_t i = from; i + kWindow <= to; i += kWindow / 2) {
    double e = 0;
    for (size_t j = i; j < i + kWindow; ++j) e += double(s[j]) * s[j];
    if (e < best_energy) {
      best_energy = e;
      best = i + kWindow / 2;
    }
  }
  return best;
}

// "[BLANK_AUDIO]", " (music)", "[Applause]": a whole segment that only names a sound.
bool non_speech_tag(const std::string& text) {
  static const std::regex kTag(R"(\s*(\[[^\]]*\]|\([^)]*\))\s*)");
  return std::regex_match(text, kTag);
}

}  // namespace

Transcript transcribe_file(const Model& model, const std::string& path, const TranscribeOptions& options,
                           const ProgressFn& progress, LongFormOptions long_form) {
  media::AudioReader reader(path, kRate, 1);
  const double expected = std::max(reader.duration(), 1.0);
  const auto chunk = size_t(long_form.chunk_seconds * kRate);
  const auto search = std::min(chunk / 2, size_t(long_form.search_seconds * kRate));

  Transcript all;
  TranscribeOptions o = options;
  media::Audio pending{{}, kRate};
  double offset = 0;  // seconds of audio before `pending`
  bool first = true;

  const auto transcribe_chunk = [&](size_t samples) {
    media::Audio piece{std::vector<float>(pending.samples.begin(), pending.samples.begin() + long(samples)),
                       kRate};
    pending.samples.erase(pending.samples.begin(), pending.samples.begin() + long(samples));
    const double base = offset;
    offset += piece.duration();
    const ProgressFn chunk_progress = [&](double f) {
      if (progress) progress(std::min(1.0, (base + f * piece.duration()) / expected));
    };
    media::SpeechOnly speech;
    if (long_form.vad_filter) {
      speech = media::keep_speech(piece);
      if (speech.regions.empty()) return;  // nothing said: nothing to transcribe, nothing to invent
      piece = std::move(speech.audio);
    }
    const auto when = [&](double t) { return base + (long_form.vad_filter ? speech.to_original(t) : t); };
    Transcript t = model.transcribe(piece, o, chunk_progress);
    if (looping(t) && (o.condition_on_previous_text || !o.initial_prompt.empty())) {
      // Most loops feed on the context: decode the chunk again without prompt or rolling context, and keep
      // the less repetitive text.
      TranscribeOptions fresh = o;
      fresh.initial_prompt.clear();
      fresh.condition_on_previous_text = false;
      fresh.language = t.language;
      Transcript again = model.transcribe(piece, fresh);
      if (compression_ratio(again.text()) < compression_ratio(t.text()))
        t.segments = std::move(again.segments);
    }
    drop_repeated_segments(t.segments);
    if (first) {
      all.language = t.language;
      all.language_probability = t.language_probability;
      o.language = t.language;  // every later chunk in the language of the first
      first = false;
    }
    for (auto& seg : t.segments) {
      if (non_speech_tag(seg.text)) continue;
      seg.id = int(all.segments.size());
      seg.start = when(seg.start);
      seg.end = when(seg.end);
      for (auto& w : seg.words) {
        w.start = when(w.start);
        w.end = when(w.end);
      }
      all.segments.push_back(std::move(seg));
    }
    // Hand the chunk's large buffers back to the system now, so that they do not pile up in the heap.
    malloc_trim(0);
  };

  reader.read([&](const float* samples, size_t frames) {
    pending.samples.insert(pending.samples.end(), samples, samples + frames);
    if (pending.samples.size() >= chunk + search) {
      transcribe_chunk(quietest(pending.samples, chunk - search, chunk));
    }
    return true;
  });
  if (!pending.samples.empty() || first) transcribe_chunk(pending.samples.size());
  all.duration = offset;
  if (all.language.empty())
    all.language = model.multilingual() ? options.language : "en";  // nothing was said
  if (progress) progress(1.0);
  return all;
}

}  // namespace yv::whisper

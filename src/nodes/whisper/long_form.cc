#include "nodes/whisper/long_form.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <regex>

#include "media/vad.h"
#include "nodes/whisper/repetition.h"
#include "nodes/whisper/skipped_speech.h"

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

// One chunk's transcript, decoded on its own thread, with what it needs to be put on the file's time line.
struct Lane {
  double base = 0;           // seconds of the file before the chunk
  media::SpeechOnly speech;  // the VAD's map from the speech-only audio back to the chunk (if filtered)
  std::future<Transcript> transcript;
};

// Decodes `piece`; a chunk whose text loops is decoded again without prompt or rolling context (most loops
// feed on the context) and the less repetitive text kept; loops left inside a segment are cut (cut_loops).
// With the VAD on, speech that Whisper skipped is transcribed on its own (skipped_speech.h).
Transcript decode(const Model& model, const media::Audio& piece, const TranscribeOptions& o, bool vad_filter,
                  const ProgressFn& progress) {
  Transcript t = model.transcribe(piece, o, progress);
  if (looping(t) && (o.condition_on_previous_text || !o.initial_prompt.empty())) {
    TranscribeOptions fresh = o;
    fresh.initial_prompt.clear();
    fresh.condition_on_previous_text = false;
    fresh.language = t.language;
    Transcript again = model.transcribe(piece, fresh);
    if (compression_ratio(again.text()) < compression_ratio(t.text())) t.segments = std::move(again.segments);
  }
  if (vad_filter) transcribe_skipped_speech(model, piece, o, t);
  drop_repeated_segments(t.segments);
  for (auto& seg : t.segments) cut_loops(seg);
  return t;
}

}  // namespace

Transcript transcribe_file(const Model& model, const std::string& path, const TranscribeOptions& options,
                           const ProgressFn& progress, LongFormOptions long_form, const SegmentFn& segment) {
  media::AudioReader reader(path, kRate, 1);
  const double expected = std::max(reader.duration(), 1.0);
  const auto chunk = size_t(long_form.chunk_seconds * kRate);
  const auto search = std::min(chunk / 2, size_t(long_form.search_seconds * kRate));
  const int threads = thread_count(options.threads);
  const size_t lanes = size_t(std::clamp(long_form.lanes, 1, threads));

  Transcript all;
  TranscribeOptions o = options;
  o.threads = threads / int(lanes);
  // Until the first chunk is done its language is not known, unless given or the model is English-only.
  const bool language_given = !model.multilingual() || (!o.language.empty() && o.language != "auto");
  bool first = true;
  media::Audio pending{{}, kRate};
  double offset = 0;  // seconds of audio before `pending`
  std::mutex progress_mutex;
  double reported = 0;
  // Lanes report at once; the fraction shown only grows (it may run up to a chunk ahead of the oldest lane).
  const auto report = [&](double fraction) {
    if (!progress) return;
    std::lock_guard lock(progress_mutex);
    if (fraction <= reported) return;
    reported = fraction;
    progress(fraction);
  };

  // Declared after what its lanes use, so that on an exception its futures wait for them while that lives.
  std::deque<Lane> running;

  // Puts the oldest lane's segments on the file's time line, after those already there.
  const auto finish_oldest = [&] {
    Lane lane = std::move(running.front());
    running.pop_front();
    Transcript t = lane.transcript.get();
    const auto when = [&](double x) {
      return lane.base + (long_form.vad_filter ? lane.speech.to_original(x) : x);
    };
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
      if (segment) segment(all.segments.back(), all.language);
    }
    // Hand the chunk's large buffers back to the system now, so that they do not pile up in the heap.
    malloc_trim(0);
  };

  const auto start_chunk = [&](size_t samples) {
    auto piece = std::make_shared<media::Audio>(media::Audio{
        std::vector<float>(pending.samples.begin(), pending.samples.begin() + long(samples)), kRate});
    pending.samples.erase(pending.samples.begin(), pending.samples.begin() + long(samples));
    Lane lane;
    lane.base = offset;
    offset += piece->duration();
    if (long_form.vad_filter) {
      lane.speech = media::keep_speech(*piece);
      if (lane.speech.regions.empty()) return;  // nothing said: nothing to transcribe, nothing to invent
      *piece = std::move(lane.speech.audio);
    }
    while (running.size() >= (language_given || !first ? lanes : 1)) finish_oldest();
    const double base = lane.base, length = offset - lane.base;
    const bool vad = long_form.vad_filter;
    lane.transcript =
        std::async(std::launch::async, [&model, &report, piece, o, vad, base, length, expected] {
          return decode(model, *piece, o, vad,
                        [&](double f) { report(std::min(1.0, (base + f * length) / expected)); });
        });
    running.push_back(std::move(lane));
  };

  reader.read([&](const float* samples, size_t frames) {
    pending.samples.insert(pending.samples.end(), samples, samples + frames);
    if (pending.samples.size() >= chunk + search)
      start_chunk(quietest(pending.samples, chunk - search, chunk));
    return true;
  });
  if (!pending.samples.empty() || (first && running.empty())) start_chunk(pending.samples.size());
  while (!running.empty()) finish_oldest();
  all.duration = offset;
  if (all.language.empty())
    all.language = model.multilingual() ? options.language : "en";  // nothing was said
  if (progress) progress(1.0);
  return all;
}

}  // namespace yv::whisper

#include "nodes/whisper/skipped_speech.h"

#include <algorithm>
#include <deque>

#include "media/vad.h"

namespace yv::whisper {
namespace {

// Speech starts and ends softly: what the VAD's tight regions leave out at each end (its own default
// padding).
constexpr double kPadSeconds = 0.4;

struct Span {
  double start = 0, end = 0;
};

// The spans of [from, to) that no segment covers, kMinGapSeconds or longer; `segments` in time order.
std::vector<Span> gaps(const std::vector<Segment>& segments, double from, double to) {
  std::vector<Span> out;
  double covered = from;
  for (const auto& s : segments) {
    if (s.end <= from || s.start >= to) continue;
    if (s.start - covered >= kMinGapSeconds) out.push_back({covered, s.start});
    covered = std::max(covered, s.end);
  }
  if (to - covered >= kMinGapSeconds) out.push_back({covered, to});
  return out;
}

media::Audio slice(const media::Audio& audio, double from, double to) {
  const auto at = [&](double t) {
    return audio.samples.begin() + long(std::min(audio.samples.size(), size_t(t * audio.sample_rate)));
  };
  return {std::vector<float>(at(from), at(to)), audio.sample_rate};
}

void shift(Segment& s, double by) {
  s.start += by;
  s.end += by;
  for (auto& w : s.words) {
    w.start += by;
    w.end += by;
  }
}

}  // namespace

void transcribe_skipped_speech(const Model& model, const media::Audio& audio,
                               const TranscribeOptions& options, Transcript& t) {
  std::deque<Span> todo;
  for (const auto& g : gaps(t.segments, 0, audio.duration())) todo.push_back(g);
  TranscribeOptions o = options;
  o.language = t.language;
  for (int redecodes = 0; !todo.empty() && redecodes < kMaxRedecodes;) {
    const Span gap = todo.front();
    todo.pop_front();
    // Tight regions (the diarizer's): a pause bridged into speech would count as speech here.
    const auto regions =
        media::speech_regions(slice(audio, gap.start, gap.end), {.bridge_seconds = 0.2, .pad_seconds = 0.0});
    double speech = 0;
    for (const auto& r : regions) speech += r.end - r.start;
    if (speech < kMinSpeechSeconds) continue;
    const double from = gap.start + std::max(0.0, regions.front().start - kPadSeconds);
    const double to = std::min(gap.end, gap.start + regions.front().end + kPadSeconds);
    Transcript more = model.transcribe(slice(audio, from, to), o);
    ++redecodes;
    if (more.segments.empty()) continue;
    for (auto& s : more.segments) shift(s, from);
    for (const auto& g : gaps(more.segments, gap.start, gap.end)) todo.push_back(g);
    t.segments.insert(t.segments.end(), std::make_move_iterator(more.segments.begin()),
                      std::make_move_iterator(more.segments.end()));
    std::stable_sort(t.segments.begin(), t.segments.end(),
                     [](const Segment& a, const Segment& b) { return a.start < b.start; });
  }
}

}  // namespace yv::whisper

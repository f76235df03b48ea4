#include "nodes/wservice/tts_segments.h"

#include "nodes/wservice/align.h"

namespace yv::wservice {
namespace {

// `s` cut between its words into pieces of at most max_duration (a word longer than that is a piece alone).
std::vector<Segment> pieces_of(const Segment& s, double max_duration) {
  if (s.end - s.start <= max_duration || s.words.empty()) return {s};
  std::vector<Segment> out;
  for (const auto& w : s.words) {
    if (out.empty() || w.end - out.back().start > max_duration) {
      out.push_back({w.start, w.end, "", s.speaker, {}});
    }
    Segment& piece = out.back();
    piece.end = w.end;
    piece.text += w.text;
    piece.words.push_back(w);
  }
  return out;
}

bool same_speaker(const Segment& a, const Segment& b) {
  return !a.speaker || !b.speaker || a.speaker == b.speaker;
}

}  // namespace

std::vector<TtsSegment> prepare_tts(const std::vector<Segment>& segments, const TtsLimits& limits) {
  std::vector<TtsSegment> out;
  for (size_t i = 0; i < segments.size(); ++i) {
    for (const Segment& piece : pieces_of(segments[i], limits.max_duration)) {
      if (!out.empty()) {
        TtsSegment& current = out.back();
        Segment& c = current.segment;
        const bool joins = same_speaker(c, piece) && piece.start - c.end <= limits.max_gap &&
                           piece.end - c.start <= limits.max_duration;
        if (joins) {
          c.end = std::max(c.end, piece.end);
          append_text(c.text, piece.text);
          if (!c.speaker) c.speaker = piece.speaker;
          c.words.insert(c.words.end(), piece.words.begin(), piece.words.end());
          if (current.sources.back() != i) current.sources.push_back(i);
          continue;
        }
      }
      out.push_back({piece, {i}});
    }
  }
  return out;
}

}  // namespace yv::wservice

#include "nodes/wservice/speaker_merge.h"

#include <algorithm>
#include <map>

#include "nodes/subtitles/transcript_words.h"

namespace yv::wservice {

SpeakerShare main_speaker(const std::vector<diarize::Turn>& turns, double start, double end) {
  std::map<std::string, double> talk;
  for (const auto& t : turns) {
    const double overlap = std::min(end, t.end) - std::max(start, t.start);
    if (overlap > 0) talk[t.speaker] += overlap;
  }
  if (talk.empty()) return {subtitles::speaker_of(turns, start, end), 0};
  const auto best =
      std::max_element(talk.begin(), talk.end(), [](auto& a, auto& b) { return a.second < b.second; });
  return {best->first, end > start ? std::min(1.0, best->second / (end - start)) : 1.0};
}

std::vector<double> label_segments(std::vector<Segment>& segments, const std::vector<diarize::Turn>& turns) {
  std::vector<double> shares;
  for (auto& s : segments) {
    const SpeakerShare who = main_speaker(turns, s.start, s.end);
    s.speaker = who.speaker;
    for (auto& w : s.words) w.speaker = who.speaker;
    shares.push_back(who.share);
  }
  return shares;
}

namespace {

// A speaker's run of words this short inside a segment is taken for the diarizer's edge error (its turns
// begin and end a few frames off the words') rather than a change of speaker.
constexpr double kShortestRun = 0.5;

// Runs of one speaker's words shorter than kShortestRun given to the run before them (the first, to the one
// after), until none is left.
void absorb_short_runs(std::vector<subtitles::Word>& words) {
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < words.size();) {
      size_t k = i;
      while (k < words.size() && words[k].speaker == words[i].speaker) ++k;
      const bool whole = i == 0 && k == words.size();
      if (!whole && words[k - 1].end - words[i].start < kShortestRun) {
        const auto& to = i > 0 ? words[i - 1].speaker : words[k].speaker;
        for (size_t x = i; x < k; ++x) words[x].speaker = to;
        changed = true;
        break;
      }
      i = k;
    }
  }
}

}  // namespace

std::vector<Segment> split_by_speaker(const std::vector<Segment>& segments,
                                      const std::vector<diarize::Turn>& turns) {
  std::vector<subtitles::Word*> all;
  std::vector<Segment> labelled = segments;
  for (auto& s : labelled) {
    for (auto& w : s.words) {
      w.speaker = subtitles::speaker_of(turns, w.start, w.end);
      all.push_back(&w);
    }
  }
  const auto first = std::find_if(all.begin(), all.end(), [](auto* w) { return w->speaker.has_value(); });
  std::optional<std::string> previous = first == all.end() ? std::nullopt : (*first)->speaker;
  for (auto* w : all) {
    if (!w->speaker) w->speaker = previous;
    previous = w->speaker;
  }
  std::vector<Segment> out;
  for (auto& s : labelled) {
    absorb_short_runs(s.words);
    for (size_t i = 0; i < s.words.size();) {
      Segment part;
      part.speaker = s.words[i].speaker;
      for (; i < s.words.size() && s.words[i].speaker == part.speaker; ++i) {
        part.words.push_back(s.words[i]);
        part.text += s.words[i].text;
      }
      part.start = part.words.front().start;
      part.end = part.words.back().end;
      out.push_back(std::move(part));
    }
  }
  return out;
}

}  // namespace yv::wservice

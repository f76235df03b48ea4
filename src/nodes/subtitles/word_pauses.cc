#include "nodes/subtitles/word_pauses.h"

#include <algorithm>
#include <utility>

namespace yv::subtitles {
namespace {

// A word keeps its start only with at least this much of it before the pause: Whisper's word starts hold
// better than its ends (a word's end is where the next token's time begins), but a sliver before a pause is
// a start that came early.
constexpr double kMinBefore = 0.1;

// The pauses between `turns`, in time order: gaps of at least kPauseSeconds in their union.
std::vector<std::pair<double, double>> pauses(std::vector<diarize::Turn> turns) {
  std::sort(turns.begin(), turns.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  std::vector<std::pair<double, double>> out;
  double reached = turns.empty() ? 0 : turns.front().end;
  for (const auto& t : turns) {
    if (t.start - reached >= kPauseSeconds) out.push_back({reached, t.start});
    reached = std::max(reached, t.end);
  }
  return out;
}

}  // namespace

void keep_words_out_of_pauses(std::vector<Word>& words, const std::vector<diarize::Turn>& turns) {
  const auto gaps = pauses(turns);
  auto gap = gaps.begin();
  for (size_t i = 0; i < words.size(); ++i) {
    Word& w = words[i];
    while (gap != gaps.end() && gap->second <= w.start) ++gap;  // pauses over before the word starts
    if (gap == gaps.end()) return;
    if (gap->first <= w.start || gap->second >= w.end) continue;  // the word spans no pause
    if (gap->first - w.start < kMinBefore) {
      w.start = gap->second;
      continue;
    }
    w.end = gap->first;
    if (i + 1 < words.size() && words[i + 1].start > gap->second) words[i + 1].start = gap->second;
  }
}

}  // namespace yv::subtitles

#include "nodes/paddleocr/reading_vote.h"

#include <algorithm>
#include <map>
#include <string>

namespace yv::paddleocr {
namespace {

// The UTF-8 code points of `s`, line breaks included.
std::vector<std::string> characters(const std::string& s) {
  std::vector<std::string> out;
  for (const char c : s) {
    if (out.empty() || (static_cast<unsigned char>(c) & 0xC0) != 0x80) out.emplace_back();
    out.back() += c;
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

float confidence(const FrameText& f) {
  return f.confidences.empty() ? 0.0f : *std::min_element(f.confidences.begin(), f.confidences.end());
}

// Levenshtein alignment of `b` to `a`: for each character of `a`, the one of `b` in its place ("" where `b`
// lacks it; what `b` has in addition is left out), and the distance.
std::pair<std::vector<std::string>, int> align(const std::vector<std::string>& a,
                                               const std::vector<std::string>& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = int(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = int(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j)
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + int(a[i - 1] != b[j - 1])});
  }
  std::vector<std::string> placed(n);
  for (size_t i = n, j = m; i > 0;) {
    if (j > 0 && d[i][j] == d[i - 1][j - 1] + int(a[i - 1] != b[j - 1])) {
      placed[--i] = b[--j];
    } else if (d[i][j] == d[i - 1][j] + 1) {
      --i;  // `b` lacks a[i]
    } else {
      --j;  // b[j] is extra
    }
  }
  return {placed, d[n][m]};
}

FrameText character_vote(const std::vector<const FrameText*>& readings) {
  std::vector<std::vector<std::string>> text;
  for (const auto* r : readings) text.push_back(characters(joined(r->lines)));
  const size_t k = readings.size();
  std::vector<std::vector<std::vector<std::string>>> placed(k, std::vector<std::vector<std::string>>(k));
  size_t medoid = 0;
  int best = -1;
  for (size_t i = 0; i < k; ++i) {
    int total = 0;
    for (size_t j = 0; j < k; ++j) {
      if (j == i) continue;
      auto [p, distance] = align(text[i], text[j]);
      placed[i][j] = std::move(p);
      total += distance;
    }
    const bool better = best < 0 || total < best ||
                        (total == best && confidence(*readings[i]) > confidence(*readings[medoid]));
    if (better) {
      best = total;
      medoid = i;
    }
  }
  std::string out;
  for (size_t c = 0; c < text[medoid].size(); ++c) {
    std::map<std::string, double> weight;
    for (size_t j = 0; j < k; ++j)
      weight[j == medoid ? text[medoid][c] : placed[medoid][j][c]] += confidence(*readings[j]);
    std::string winner = text[medoid][c];
    for (const auto& [character, w] : weight) {
      if (w > weight[winner]) winner = character;
    }
    out += winner;
  }
  FrameText voted{readings[medoid]->start, readings[medoid]->end, {}, {}};
  for (size_t from = 0; from <= out.size();) {
    const size_t to = std::min(out.find('\n', from), out.size());
    if (to > from) {
      voted.lines.push_back(out.substr(from, to - from));
      voted.confidences.push_back(confidence(*readings[medoid]));
    }
    from = to + 1;
  }
  return voted;
}

}  // namespace

FrameText vote(const std::vector<FrameText>& readings) {
  if (readings.size() == 1) return readings.front();
  std::map<std::string, std::vector<const FrameText*>> same;
  for (const auto& r : readings) same[joined(r.lines)].push_back(&r);
  std::vector<const FrameText*> read;  // the readings of something
  for (const auto& [text, group] : same) {
    if (2 * group.size() > readings.size()) {
      FrameText winner = **std::max_element(group.begin(), group.end(), [](const auto* a, const auto* b) {
        return confidence(*a) < confidence(*b);
      });
      winner.start = readings.front().start;
      winner.end = readings.front().end;
      return winner;
    }
    if (!text.empty()) read.insert(read.end(), group.begin(), group.end());
  }
  FrameText winner;
  if (read.size() < 3) {
    winner = **std::max_element(read.begin(), read.end(),
                                [](const auto* a, const auto* b) { return confidence(*a) < confidence(*b); });
  } else {
    winner = character_vote(read);
  }
  winner.start = readings.front().start;
  winner.end = readings.front().end;
  return winner;
}

}  // namespace yv::paddleocr

#include "core/wer.h"

#include <algorithm>
#include <cctype>

namespace yv {

std::vector<std::string> normalized_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    // An apostrophe only belongs to a word between letters ("don't"), not as a quote around it.
    while (!word.empty() && word.back() == '\'') word.pop_back();
    size_t start = word.find_first_not_of('\'');
    if (start != std::string::npos) words.push_back(word.substr(start));
    word.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {  // bytes of non-ASCII letters are kept as they are
      word.push_back(static_cast<char>(std::tolower(c)));
    } else if (c == '\'') {
      word.push_back('\'');
    } else if (std::isspace(c) || c == '-') {
      flush();
    }  // other punctuation is dropped inside a word: "U.S." -> "us"
  }
  flush();
  return words;
}

WerResult word_error_rate(std::string_view reference, std::string_view hypothesis) {
  const auto ref = normalized_words(reference);
  const auto hyp = normalized_words(hypothesis);
  // cost[j] holds the alignment of ref[0..i) with hyp[0..j); ops counts (sub, del, ins) along that path.
  struct Cell {
    int cost, sub, del, ins;
  };
  std::vector<Cell> row(hyp.size() + 1), next(hyp.size() + 1);
  for (size_t j = 0; j <= hyp.size(); ++j) row[j] = {int(j), 0, 0, int(j)};
  for (size_t i = 1; i <= ref.size(); ++i) {
    next[0] = {int(i), 0, int(i), 0};
    for (size_t j = 1; j <= hyp.size(); ++j) {
      Cell diag = row[j - 1];
      if (ref[i - 1] != hyp[j - 1]) {
        diag.cost++;
        diag.sub++;
      }
      Cell up = row[j];  // reference word missing from the hypothesis
      up.cost++;
      up.del++;
      Cell left = next[j - 1];  // hypothesis word not in the reference
      left.cost++;
      left.ins++;
      next[j] = std::min({diag, up, left}, [](const Cell& a, const Cell& b) { return a.cost < b.cost; });
    }
    std::swap(row, next);
  }
  const Cell& end = row[hyp.size()];
  WerResult r;
  r.substitutions = end.sub;
  r.deletions = end.del;
  r.insertions = end.ins;
  r.reference_words = int(ref.size());
  r.rate = ref.empty() ? (hyp.empty() ? 0.0 : 1.0) : double(end.cost) / double(ref.size());
  return r;
}

}  // namespace yv

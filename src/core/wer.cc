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

std::vector<std::string> normalized_characters(std::string_view text) {
  std::vector<std::string> characters;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    std::string character(text.substr(i, length));
    i += length;
    if (length == 1) {
      if (std::isalnum(lead)) characters.push_back(std::string(1, static_cast<char>(std::tolower(lead))));
      continue;
    }
    // Decode just enough to test the punctuation blocks (malformed sequences are kept as they are).
    char32_t code = lead & (0xFF >> (length + 1));
    for (size_t k = 1; k < character.size(); ++k) code = (code << 6) | (character[k] & 0x3F);
    const bool punctuation = (code >= 0xA0 && code <= 0xBF) || (code >= 0x2000 && code <= 0x206F) ||
                             (code >= 0x3000 && code <= 0x303F) || (code >= 0xFE10 && code <= 0xFE1F) ||
                             (code >= 0xFE30 && code <= 0xFE4F) || (code >= 0xFF00 && code <= 0xFF0F) ||
                             (code >= 0xFF1A && code <= 0xFF20) || (code >= 0xFF3B && code <= 0xFF40) ||
                             (code >= 0xFF5B && code <= 0xFF65);
    if (!punctuation) characters.push_back(std::move(character));
  }
  return characters;
}

namespace {

// Levenshtein alignment of two token sequences, counting each kind of edit along the cheapest path.
WerResult align(const std::vector<std::string>& ref, const std::vector<std::string>& hyp) {
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
      Cell up = row[j];  // reference token missing from the hypothesis
      up.cost++;
      up.del++;
      Cell left = next[j - 1];  // hypothesis token not in the reference
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
  r.reference_units = int(ref.size());
  r.rate = ref.empty() ? (hyp.empty() ? 0.0 : 1.0) : double(end.cost) / double(ref.size());
  return r;
}

}  // namespace

WerResult word_error_rate(std::string_view reference, std::string_view hypothesis) {
  return align(normalized_words(reference), normalized_words(hypothesis));
}

WerResult character_error_rate(std::string_view reference, std::string_view hypothesis) {
  return align(normalized_characters(reference), normalized_characters(hypothesis));
}

}  // namespace yv

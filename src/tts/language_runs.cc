#include "tts/language_runs.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace yv::tts {
namespace {

bool letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Spaces and the punctuation an English phrase has inside itself.
bool joins_words(char c) { return c == ' ' || c == '\t' || c == ',' || c == ';' || c == ':'; }

constexpr std::string_view kRightQuote = "\u2019";  // don’t, as typeset

// The end of the Latin word starting at `at` (a letter): letters, and ' - ’ between two letters.
size_t word_end(const std::string& s, size_t at) {
  while (true) {
    while (at < s.size() && letter(s[at])) ++at;
    const size_t inner = s.compare(at, kRightQuote.size(), kRightQuote) == 0 ? kRightQuote.size() : 1;
    const bool joined = at < s.size() && (s[at] == '\'' || s[at] == '-' || inner > 1);
    if (!joined || at + inner >= s.size() || !letter(s[at + inner])) return at;
    at += inner;
  }
}

size_t number_end(const std::string& s, size_t at) {
  while (at < s.size() && (digit(s[at]) || ((s[at] == '.' || s[at] == ',') && at + 1 < s.size() &&
                                            digit(s[at + 1]) && at > 0 && digit(s[at - 1]))))
    ++at;
  return at;
}

size_t skip_joins(const std::string& s, size_t at) {
  while (at < s.size() && joins_words(s[at])) ++at;
  return at;
}

// Whether the word is English rather than a letter or an acronym, which the Mandarin voice names.
bool english_word(std::string_view word) {
  if (word.size() < 2) return false;
  const bool capitals = std::all_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  return !capitals || word.size() > 5;
}

struct Phrase {
  size_t begin, end;
  bool english;
};

// Every phrase of `s`, each English when one of its words is (or when `all_english`).
std::vector<Phrase> phrases(const std::string& s, bool all_english) {
  std::vector<Phrase> out;
  for (size_t at = 0; at < s.size();) {
    const bool after_word_char = at > 0 && (letter(s[at - 1]) || digit(s[at - 1]));
    if (!letter(s[at]) || after_word_char) {  // a letter glued to a digit (4K, MP3x) is no word start
      ++at;
      continue;
    }
    Phrase p{at, word_end(s, at), all_english};
    p.english = p.english || english_word(std::string_view(s).substr(at, p.end - at));
    while (true) {  // the next word, perhaps after a number
      size_t next = skip_joins(s, p.end);
      if (next < s.size() && digit(s[next])) next = skip_joins(s, number_end(s, next));
      if (next == p.end || next >= s.size() || !letter(s[next]) || digit(s[next - 1])) break;
      const size_t end = word_end(s, next);
      p.english = p.english || english_word(std::string_view(s).substr(next, end - next));
      p.end = end;
    }
    out.push_back(p);
    at = p.end;
  }
  return out;
}

// Walks the code points of s[begin, end), calling `f` on each until it returns true; whether one did.
template <typename F>
bool any_code_point(const std::string& s, size_t begin, size_t end, F f) {
  for (int32_t at = int32_t(begin), next = at; at < int32_t(end); at = next) {
    UChar32 c;
    U8_NEXT(s.data(), next, int32_t(end), c);
    if (c >= 0 && f(c)) return true;
  }
  return false;
}

bool han(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  return uscript_getScript(c, &status) == USCRIPT_HAN && U_SUCCESS(status);
}

// Something the Mandarin voice says: a Han character, a digit or a letter.
bool spoken(UChar32 c) { return han(c) || (c < 128 && std::isalnum(int(c))); }

// Whether there is punctuation between the last character spoken before `at` and the first from `at` on.
bool pause_at(const std::string& s, size_t at) {
  const int32_t size = int32_t(s.size());
  int32_t from = int32_t(at), to = int32_t(at);
  while (from > 0) {
    int32_t back = from;
    UChar32 c;
    U8_PREV(s.data(), 0, back, c);
    if (c >= 0 && spoken(c)) break;
    from = back;
  }
  while (to < size) {
    int32_t next = to;
    UChar32 c;
    U8_NEXT(s.data(), next, size, c);
    if (c >= 0 && spoken(c)) break;
    to = next;
  }
  return any_code_point(s, size_t(from), size_t(to), [](UChar32 c) { return u_ispunct(c) != 0; });
}

}  // namespace

std::vector<TextRun> language_runs(const std::string& sentence) {
  const bool has_han = any_code_point(sentence, 0, sentence.size(), han);
  std::vector<TextRun> runs;
  size_t done = 0;  // runs cover sentence[0, done)
  const auto add = [&](size_t end, bool english) {
    if (end == done) return;
    if (!runs.empty() && runs.back().english == english) {
      runs.back().text += sentence.substr(done, end - done);
    } else {
      runs.push_back({sentence.substr(done, end - done), english, !runs.empty() && pause_at(sentence, done)});
    }
    done = end;
  };
  for (const Phrase& p : phrases(sentence, !has_han)) {
    if (!p.english) continue;
    // Between two English phrases, text with nothing the Mandarin voice would say (" - ", "...") stays
    // in the English run, which says it better.
    const bool silent_gap =
        !runs.empty() && runs.back().english && !any_code_point(sentence, done, p.begin, spoken);
    add(p.begin, silent_gap);
    add(p.end, true);
  }
  add(sentence.size(), false);
  return runs;
}

}  // namespace yv::tts

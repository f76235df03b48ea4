#include "nodes/wservice/sentences.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>

#include "nodes/subtitles/cues.h"
#include "nodes/wservice/align.h"

namespace yv::wservice {
namespace {

constexpr std::string_view kNoBreakSpace = "\xc2\xa0";

struct Char {
  UChar32 c;
  size_t at, next;  // bytes
};

std::vector<Char> chars_of(std::string_view text) {
  std::vector<Char> out;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t size = int32_t(text.size());
  for (int32_t i = 0; i < size;) {
    const int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, size, c);
    out.push_back({c, size_t(at), size_t(i)});
  }
  return out;
}

bool closer(UChar32 c) {
  return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x201D || c == 0x2019 || c == 0x300D ||
         c == 0x300F || c == 0xFF09 || c == 0x3011 || c == 0x300B;  // ” ’ 」 』 ） 】 》
}

bool full_width_end(UChar32 c) { return c == 0x3002 || c == 0xFF1F || c == 0xFF01; }  // 。？！

bool clause_mark(UChar32 c) {
  return c == ',' || c == ';' || c == ':' || c == 0xFF0C || c == 0x3001 || c == 0xFF1B || c == 0xFF1A;
}

// Words after which a full stop is not a sentence end (compared in lower case, without their dots).
bool abbreviation(std::string word) {
  static const std::array<std::string_view, 28> kWords = {
      "mr",  "mrs", "ms", "dr",   "prof", "st",  "jr",  "sr",  "vs",  "etc",  "eg", "ie", "no",     "vol",
      "inc", "ltd", "co", "corp", "dept", "fig", "gen", "gov", "sgt", "capt", "us", "uk", "approx", "mt"};
  std::erase(word, '.');
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::tolower(c); });
  if (word.size() == 1 && std::isalpha(static_cast<unsigned char>(word[0]))) return true;  // an initial
  return std::find(kWords.begin(), kWords.end(), word) != kWords.end();
}

// The word that ends at chars[end - 1] (letters and dots back to the previous space).
std::string word_before(std::string_view text, const std::vector<Char>& chars, size_t end) {
  size_t begin = end;
  while (begin > 0 && !u_isUWhiteSpace(chars[begin - 1].c)) --begin;
  return std::string(text.substr(chars[begin].at, chars[end - 1].next - chars[begin].at));
}

// Whether a sentence ends after chars[i] (the last of any closers after the mark is where it is cut).
bool ends_sentence(std::string_view text, const std::vector<Char>& chars, size_t i) {
  const UChar32 c = chars[i].c;
  if (full_width_end(c) || c == 0x2026) return true;  // 。？！…
  if (c != '.' && c != '?' && c != '!') return false;
  size_t k = i + 1;
  while (k < chars.size() && (closer(chars[k].c) || chars[k].c == '.')) ++k;
  // 3.14, e.g.x, "?!" inside a word; Chinese or Japanese after the mark is a new sentence though
  if (k < chars.size() && !u_isUWhiteSpace(chars[k].c) && !unspaced(chars[k].c)) return false;
  if (c != '.') return true;
  if (k < chars.size()) {  // the next word starts in lower case: not a new sentence
    size_t n = k;
    while (n < chars.size() && u_isUWhiteSpace(chars[n].c)) ++n;
    if (n < chars.size() && u_islower(chars[n].c)) return false;
  }
  return !abbreviation(word_before(text, chars, i));
}

// A paragraph (no line breaks, single spaces) cut at its sentence ends, with the byte where each one ends.
std::vector<std::string> sentences_of(const std::string& paragraph) {
  const auto chars = chars_of(paragraph);
  std::vector<std::string> out;
  size_t from = 0;
  for (size_t i = 0; i < chars.size(); ++i) {
    if (!ends_sentence(paragraph, chars, i)) continue;
    while (i + 1 < chars.size() && (closer(chars[i + 1].c) || chars[i + 1].c == '.' ||
                                    full_width_end(chars[i + 1].c) || chars[i + 1].c == 0x2026)) {
      ++i;
    }
    out.push_back(paragraph.substr(from, chars[i].next - from));
    from = chars[i].next;
  }
  out.push_back(paragraph.substr(from));
  return out;
}

// The clauses of a sentence: cut after clause marks that are not between digits.
std::vector<std::string> clauses_of(const std::string& sentence) {
  const auto chars = chars_of(sentence);
  std::vector<std::string> out;
  size_t from = 0;
  for (size_t i = 0; i + 1 < chars.size(); ++i) {
    if (!clause_mark(chars[i].c)) continue;
    if (i > 0 && u_isdigit(chars[i - 1].c) && u_isdigit(chars[i + 1].c)) continue;  // 1,000 10:30
    out.push_back(sentence.substr(from, chars[i].next - from));
    from = chars[i].next;
  }
  out.push_back(sentence.substr(from));
  return out;
}

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(' ');
  if (first == std::string_view::npos) return "";
  return std::string(s.substr(first, s.find_last_not_of(' ') + 1 - first));
}

// One space for each run of whitespace; a no-break space after an abbreviation, so that line filling does not
// cut there.
std::string normalised(std::string_view line) {
  std::string out;
  const auto chars = chars_of(line);
  for (size_t i = 0; i < chars.size(); ++i) {
    if (!u_isUWhiteSpace(chars[i].c) || chars[i].c == 0xA0) {
      out.append(line.substr(chars[i].at, chars[i].next - chars[i].at));
    } else if (!out.empty() && !out.ends_with(' ')) {
      const bool after_abbreviation =
          i > 0 && chars[i - 1].c == '.' && abbreviation(word_before(line, chars, i));
      if (after_abbreviation) {
        out.append(kNoBreakSpace);
      } else {
        out.push_back(' ');
      }
    }
  }
  return out;
}

// `s` with each no-break space that normalised() put in turned back into a space.
std::string with_spaces(const std::string& s) {
  std::string out;
  for (size_t at = 0; at < s.size();) {
    if (s.compare(at, kNoBreakSpace.size(), kNoBreakSpace) == 0) {
      out += ' ';
      at += kNoBreakSpace.size();
    } else {
      out += s[at++];
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> subtitle_segments(std::string_view text, int max_chars) {
  std::vector<std::string> out;
  const auto emit = [&](const std::string& piece) {
    std::string t = with_spaces(trimmed(piece));
    if (!t.empty()) out.push_back(std::move(t));
  };
  const auto fits = [&](const std::string& s) { return int(subtitles::length(trimmed(s))) <= max_chars; };
  size_t from = 0;
  while (from <= text.size()) {
    const size_t end = std::min(text.find('\n', from), text.size());
    for (const auto& sentence : sentences_of(normalised(text.substr(from, end - from)))) {
      if (fits(sentence)) {
        emit(sentence);
        continue;
      }
      std::string pending;
      for (const auto& clause : clauses_of(sentence)) {
        if (fits(pending + clause)) {
          pending += clause;
          continue;
        }
        emit(pending);
        pending.clear();
        if (fits(clause)) {
          pending = clause;
          continue;
        }
        for (const auto& line : subtitles::break_lines(trimmed(clause), max_chars, INT_MAX)) emit(line);
      }
      emit(pending);
    }
    from = end + 1;
  }
  return out;
}

}  // namespace yv::wservice

#include "nodes/wservice/align.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>

#include "core/error.h"

namespace yv::wservice {
namespace {

using subtitles::Word;

void append_lower(std::string& key, UChar32 c) {
  char buffer[U8_MAX_LENGTH];
  int32_t length = 0;
  UBool error = false;
  U8_APPEND(buffer, length, U8_MAX_LENGTH, u_tolower(c), error);
  if (!error) key.append(buffer, size_t(length));
}

struct RefToken {
  std::string key;
  double start, end;
  size_t word;  // index into the words
};

// The words' tokens, each with its share of its word's time (by characters of the key).
std::vector<RefToken> reference_tokens(const std::vector<Word>& words) {
  std::vector<RefToken> out;
  for (size_t i = 0; i < words.size(); ++i) {
    const auto tokens = tokenize(words[i].text);
    size_t total = 0;
    for (const auto& t : tokens) total += subtitles::length(t.key);
    size_t done = 0;
    const double span = words[i].end - words[i].start;
    for (const auto& t : tokens) {
      const size_t n = subtitles::length(t.key);
      out.push_back({t.key, words[i].start + span * double(done) / double(total),
                     words[i].start + span * double(done + n) / double(total), i});
      done += n;
    }
  }
  return out;
}

constexpr const char* kSpace = " \t\r\n";

enum Step : uint8_t { kDiagonal, kUp, kLeft };  // up: a token of the text inserted; left: one deleted

// For each of a's tokens the index of the token of b it is aligned to (equal or substituted), or -1.
std::vector<long> edit_alignment(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const long n = long(a.size()), m = long(b.size());
  if (n == 0) return {};
  const long width = std::labs(n - m) + 500;
  if (double(n + 1) * double(std::min(m + 1, 2 * width + 1)) > double(kMaxCells)) {
    throw Error("invalid_input", "the text (" + std::to_string(n) + " words) and the transcript (" +
                                     std::to_string(m) + " words) are too far apart in length to align");
  }
  const auto lo = [&](long i) { return std::max(0L, i * m / n - width); };
  const auto hi = [&](long i) { return std::min(m, i * m / n + width); };
  std::vector<std::vector<uint8_t>> steps(size_t(n + 1));
  std::vector<int> previous, current;
  long prev_lo = 0;
  for (long i = 0; i <= n; ++i) {
    const long from = lo(i), to = hi(i);
    current.assign(size_t(to - from + 1), INT_MAX / 2);
    steps[size_t(i)].assign(current.size(), kLeft);
    const auto above = [&](long j) {
      return i > 0 && j >= prev_lo && j - prev_lo < long(previous.size()) ? previous[size_t(j - prev_lo)]
                                                                          : INT_MAX / 2;
    };
    for (long j = from; j <= to; ++j) {
      int& cell = current[size_t(j - from)];
      uint8_t& step = steps[size_t(i)][size_t(j - from)];
      if (i == 0 && j == 0) {
        cell = 0;
        continue;
      }
      if (i > 0 && j > 0) {
        cell = above(j - 1) + (a[size_t(i - 1)] == b[size_t(j - 1)] ? 0 : 1);
        step = kDiagonal;
      }
      if (above(j) + 1 < cell) {
        cell = above(j) + 1;
        step = kUp;
      }
      if (j > from && current[size_t(j - 1 - from)] + 1 < cell) {
        cell = current[size_t(j - 1 - from)] + 1;
        step = kLeft;
      }
    }
    previous.swap(current);
    prev_lo = from;
  }
  std::vector<long> match(size_t(n), -1);
  for (long i = n, j = m; i > 0 || j > 0;) {
    const uint8_t step = steps[size_t(i)][size_t(j - lo(i))];
    if (step == kDiagonal) {
      match[size_t(--i)] = --j;
    } else if (step == kUp) {
      --i;
    } else {
      --j;
    }
  }
  return match;
}

}  // namespace

bool is_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t size = int32_t(text.size());
  for (int32_t i = 0; i < size;) {
    UChar32 c;
    U8_NEXT(s, i, size, c);
    if (c < 0) return false;
  }
  return true;
}

bool unspaced(int32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  return U_SUCCESS(status) &&
         (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA);
}

void append_text(std::string& text, std::string_view more) {
  if (!text.empty() && !more.empty()) {
    const auto* a = reinterpret_cast<const uint8_t*>(text.data());
    const auto* b = reinterpret_cast<const uint8_t*>(more.data());
    int32_t end = int32_t(text.size()), start = 0;
    UChar32 last, first;
    U8_PREV(a, 0, end, last);
    U8_NEXT(b, start, int32_t(more.size()), first);
    const auto open = [](UChar32 c) { return c >= 0 && !u_isUWhiteSpace(c) && !unspaced(c); };
    if (open(last) && open(first)) text += ' ';
  }
  text += more;
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t size = int32_t(text.size());
  bool open = false;  // a spaced-script token is being read
  for (int32_t i = 0; i < size;) {
    const int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, size, c);
    if (c < 0 || u_isUWhiteSpace(c)) {
      open = false;
    } else if (unspaced(c)) {
      tokens.push_back({size_t(at), size_t(i), ""});
      append_lower(tokens.back().key, c);
      open = false;
    } else if (u_ispunct(c) && !(open && c == '\'')) {  // an apostrophe inside a word is part of it
      if (open) tokens.back().end = size_t(i);
    } else {
      if (!open) tokens.push_back({size_t(at), size_t(i), ""});
      open = true;
      tokens.back().end = size_t(i);
      append_lower(tokens.back().key, c);
    }
  }
  std::erase_if(tokens, [](const Token& t) { return t.key.empty(); });
  return tokens;
}

Aligned align(std::string_view text, const std::vector<Word>& words) {
  Aligned out;
  const auto refs = reference_tokens(words);
  for (auto& t : tokenize(text)) out.tokens.push_back({std::move(t), 0, 0, Match::kInserted, std::nullopt});
  std::vector<std::string> a, b;
  for (const auto& t : out.tokens) a.push_back(t.token.key);
  for (const auto& r : refs) b.push_back(r.key);
  const auto match = edit_alignment(a, b);

  std::vector<bool> used(refs.size(), false);
  for (size_t i = 0; i < out.tokens.size(); ++i) {
    if (match[i] < 0) continue;
    const RefToken& r = refs[size_t(match[i])];
    used[size_t(match[i])] = true;
    out.tokens[i].start = r.start;
    out.tokens[i].end = r.end;
    out.tokens[i].match = r.key == out.tokens[i].token.key ? Match::kEqual : Match::kEdited;
    out.tokens[i].speaker = words[r.word].speaker;
  }
  // Insertions: runs between aligned tokens share the gap there.
  const double first = refs.empty() ? 0 : refs.front().start, last = refs.empty() ? 0 : refs.back().end;
  for (size_t i = 0; i < out.tokens.size();) {
    if (out.tokens[i].match != Match::kInserted) {
      ++i;
      continue;
    }
    size_t k = i;
    while (k < out.tokens.size() && out.tokens[k].match == Match::kInserted) ++k;
    const double from = i > 0 ? out.tokens[i - 1].end : first;
    const double to = std::max(from, k < out.tokens.size() ? out.tokens[k].start : last);
    const double share = (to - from) / double(k - i);
    for (size_t x = i; x < k; ++x) {
      out.tokens[x].start = from + share * double(x - i);
      out.tokens[x].end = from + share * double(x - i + 1);
      out.tokens[x].speaker = i > 0                   ? out.tokens[i - 1].speaker
                              : k < out.tokens.size() ? out.tokens[k].speaker
                                                      : std::nullopt;
    }
    i = k;
  }
  for (size_t j = 0; j < refs.size(); ++j) {
    if (!used[j])
      out.deleted.push_back({refs[j].start, refs[j].end, refs[j].key, words[refs[j].word].speaker});
  }
  return out;
}

std::vector<Word> timed_words(std::string_view text, const Aligned& aligned) {
  std::vector<Word> words;
  const auto& tokens = aligned.tokens;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const size_t from = i == 0 ? 0 : tokens[i].token.begin;
    const size_t to = i + 1 < tokens.size() ? tokens[i + 1].token.begin : text.size();
    const std::string_view slice = text.substr(from, to - from);
    const auto first = slice.find_first_not_of(kSpace);
    const auto last = slice.find_last_not_of(kSpace);  // a token is in every slice: neither is npos
    const bool spaced = from > 0 && std::string_view(kSpace).find(text[from - 1]) != std::string_view::npos;
    std::string word = spaced ? " " : "";
    word.append(slice.substr(first, last + 1 - first));
    words.push_back({tokens[i].start, tokens[i].end, std::move(word), tokens[i].speaker});
  }
  return words;
}

}  // namespace yv::wservice

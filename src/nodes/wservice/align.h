// Aligning a text to the timed words of a transcript, so that an edited text keeps the times of the words
// it kept.
//
// Both sides are cut into tokens: words in spaced scripts, single characters in Chinese and Japanese (a
// Whisper "word" there is a token that may hold several characters or part of one), punctuation left out.
// Tokens compare by a key (lower case, punctuation removed), and the two token lists are aligned by edit
// distance (Levenshtein: equal, substituted, inserted, deleted). A token of the text that meets a token of
// the transcript takes its time; one inserted takes a share of the time between its aligned neighbours. The
// alignment is computed in a band around the diagonal, |n - m| + 500 tokens wide each side, so an hour of
// speech (10^4 words) needs megabytes, not the 10^8 cells of the full table; edits that shift the text
// further than that against the transcript are aligned as deletions and insertions. A band of more than
// kMaxCells cells (a text and a transcript of very different lengths) is refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodes/subtitles/cues.h"

namespace yv::wservice {

struct Token {
  size_t begin = 0, end = 0;  // bytes of the text
  std::string key;
};

// Whether `text` is valid UTF-8 (text files a client names may be anything).
bool is_utf8(std::string_view text);

// Whether code point `c` belongs to a script written without spaces (Han, Hiragana, Katakana), whose
// characters are tokens of their own.
bool unspaced(int32_t c);

// Appends `more` to `text` with a space between them, unless either side has whitespace at the seam or is
// written without spaces (Chinese, Japanese).
void append_text(std::string& text, std::string_view more);

// The tokens of `text`, in order. Punctuation-only runs make no token.
std::vector<Token> tokenize(std::string_view text);

enum class Match { kEqual, kEdited, kInserted };

struct TimedToken {
  Token token;
  double start = 0, end = 0;
  Match match = Match::kInserted;
  std::optional<std::string> speaker;  // of the transcript word it met; an inserted token's is the one before
};

struct Aligned {
  std::vector<TimedToken> tokens;        // of the text, each timed
  std::vector<subtitles::Word> deleted;  // transcript words (or parts of them) the text dropped
};

// The most cells (bytes) the alignment's band may take: 256 MB.
inline constexpr size_t kMaxCells = size_t(1) << 28;

// The tokens of `text` timed by `words` (sorted by time). Throws yv::Error "invalid_input" when the band
// would exceed kMaxCells. An inserted token between aligned tokens shares
// the gap after the one before it evenly with the other insertions there; before the first or after the last
// aligned token it takes the edge's time. With no words at all every token is at 0.
Aligned align(std::string_view text, const std::vector<subtitles::Word>& words);

// The text cut into words at its tokens, timed as aligned: each word is a token with the punctuation after it
// (the first also with what comes before it), trimmed, with a leading space where the text had a space before
// it (the transcription's convention). REQUIRES: `aligned` is align(text, ...).
std::vector<subtitles::Word> timed_words(std::string_view text, const Aligned& aligned);

}  // namespace yv::wservice

// Word and character error rates: how far a transcript is from its reference.
//
// Used by tests to judge real transcriptions and by benchmarks to compare engines on the same clips, so both
// sides are normalised the same way before comparing: lower case, punctuation removed (apostrophes inside
// words kept), runs of whitespace collapsed. Numbers and spellings are compared as written. Languages written
// without spaces between words (Chinese, Japanese) are scored by characters instead: their "words" would be
// whole clauses, so one wrong character would cost as much as a wrong sentence.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yv {

// Lower-cased words of `text` with punctuation stripped.
std::vector<std::string> normalized_words(std::string_view text);

// Characters (UTF-8 code points) of `text` with spaces, punctuation and symbols removed, ASCII lower-cased:
// ASCII and CJK punctuation (U+3000-U+303F, full-width forms, general punctuation such as “ ” … —) are
// dropped.
std::vector<std::string> normalized_characters(std::string_view text);

// The units counted are words for word_error_rate and characters for character_error_rate.
struct WerResult {
  double rate = 0;  // (substitutions + deletions + insertions) / reference units; 0 for two empty texts
  int substitutions = 0;
  int deletions = 0;
  int insertions = 0;
  int reference_units = 0;
};

// Levenshtein alignment over normalised words. A hypothesis against an empty reference scores its word count
// as insertions and a rate of 1 (never a division by zero).
WerResult word_error_rate(std::string_view reference, std::string_view hypothesis);

// The same alignment over normalized_characters, with the same convention for an empty reference.
WerResult character_error_rate(std::string_view reference, std::string_view hypothesis);

}  // namespace yv

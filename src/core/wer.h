// Word error rate: how far a transcript is from its reference.
//
// Used by tests to judge real transcriptions and by benchmarks to compare engines on the same clips, so both
// sides are normalised the same way before comparing: lower case, punctuation removed (apostrophes inside
// words kept), runs of whitespace collapsed. Numbers and spellings are compared as written.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yv {

// Lower-cased words of `text` with punctuation stripped.
std::vector<std::string> normalized_words(std::string_view text);

struct WerResult {
  double rate = 0;  // (substitutions + deletions + insertions) / reference words; 0 for two empty texts
  int substitutions = 0;
  int deletions = 0;
  int insertions = 0;
  int reference_words = 0;
};

// Levenshtein alignment over normalised words. A hypothesis against an empty reference scores its word count
// as insertions and a rate of 1 (never a division by zero).
WerResult word_error_rate(std::string_view reference, std::string_view hypothesis);

}  // namespace yv

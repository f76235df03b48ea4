#include "core/wer.h"

#include <gtest/gtest.h>

namespace yv {
namespace {

TEST(WordErrorRate, IdenticalTextsScoreZero) {
  EXPECT_EQ(word_error_rate("ask not what", "ask not what").rate, 0.0);
}

TEST(WordErrorRate, IgnoresCasePunctuationAndSpacing) {
  const auto r =
      word_error_rate("And so, my fellow Americans: ask not!", "  and so my FELLOW americans ask not ");
  EXPECT_EQ(r.rate, 0.0);
  EXPECT_EQ(r.reference_units, 7);
}

TEST(WordErrorRate, KeepsApostrophesInsideWords) {
  EXPECT_EQ(normalized_words("Don't 'quote' me"), (std::vector<std::string>{"don't", "quote", "me"}));
}

TEST(WordErrorRate, CountsEachKindOfError) {
  // ref: a b c d ; hyp: a x c d e  -> one substitution (b->x), one insertion (e)
  const auto r = word_error_rate("a b c d", "a x c d e");
  EXPECT_EQ(r.substitutions, 1);
  EXPECT_EQ(r.insertions, 1);
  EXPECT_EQ(r.deletions, 0);
  EXPECT_DOUBLE_EQ(r.rate, 2.0 / 4.0);
}

TEST(WordErrorRate, CountsDeletions) {
  const auto r = word_error_rate("one two three", "one three");
  EXPECT_EQ(r.deletions, 1);
  EXPECT_DOUBLE_EQ(r.rate, 1.0 / 3.0);
}

TEST(WordErrorRate, EmptyReferenceNeverDividesByZero) {
  EXPECT_EQ(word_error_rate("", "").rate, 0.0);
  EXPECT_EQ(word_error_rate("", "noise words").rate, 1.0);
  EXPECT_EQ(word_error_rate("", "noise words").insertions, 2);
}

TEST(CharacterErrorRate, IgnoresCjkAndAsciiPunctuationAndSpaces) {
  const auto r = character_error_rate("甚至出现交易几乎停滞的情况", "甚至，出现 “交易” 几乎停滞的情况。!");
  EXPECT_EQ(r.rate, 0.0);
  EXPECT_EQ(r.reference_units, 13);
}

TEST(CharacterErrorRate, CountsEachCharacterOnce) {
  // One substitution (滞 -> 止) in 13 characters, as base once heard the AISHELL clip.
  const auto r = character_error_rate("甚至出现交易几乎停滞的情况", "甚至出现交易几乎停止的情况");
  EXPECT_EQ(r.substitutions, 1);
  EXPECT_DOUBLE_EQ(r.rate, 1.0 / 13.0);
}

TEST(CharacterErrorRate, ATraditionalFormIsAnotherCharacter) {
  EXPECT_EQ(character_error_rate("换", "換").substitutions, 1);
}

TEST(CharacterErrorRate, SplitsMixedTextIntoCodePointsAndLowerCasesAscii) {
  EXPECT_EQ(normalized_characters("AI 视频, ok…"),
            (std::vector<std::string>{"a", "i", "视", "频", "o", "k"}));
}

}  // namespace
}  // namespace yv

#include "core/utf8.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace yv {
namespace {

TEST(Utf8Prefix, ShortTextIsKeptWhole) { EXPECT_EQ(utf8_prefix("翻译", 6), "翻译"); }

// "OK, " and then three-byte characters: a cut at 5 or 6 bytes falls inside 翻 and leaves the ASCII before
// it.
TEST(Utf8Prefix, ACutInsideACharacterEndsBeforeIt) {
  EXPECT_EQ(utf8_prefix("OK, 翻译", 5), "OK, ");
  EXPECT_EQ(utf8_prefix("OK, 翻译", 6), "OK, ");
  EXPECT_EQ(utf8_prefix("OK, 翻译", 7), "OK, 翻");
  EXPECT_EQ(utf8_prefix("😀x", 3), "");
  EXPECT_EQ(utf8_prefix("ab", 0), "");
}

// What the cut is for: the prefix goes into JSON, which a raw byte cut made throw (the dub preset's failure).
TEST(Utf8Prefix, EveryPrefixCanBeWrittenAsJson) {
  const std::string text = "OK, 这是您要的翻译，希望它合适。é😀";
  for (size_t n = 0; n <= text.size(); ++n) EXPECT_NO_THROW(nlohmann::json(utf8_prefix(text, n)).dump()) << n;
}

}  // namespace
}  // namespace yv

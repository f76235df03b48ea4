// Voting the readings of one subtitle (a crop and its rereads): a majority outvotes a slip, a subtitle most
// readings miss is not taken from one, two readings that disagree give the more confident one, and readings
// that all differ are voted character by character.
#include "nodes/paddleocr/reading_vote.h"

#include <gtest/gtest.h>

namespace yv::paddleocr {
namespace {

// A reading of the span 2.0-4.0 s: `lines`, all at `confidence`.
FrameText reading(const std::vector<std::string>& lines, float confidence = 0.95f) {
  return {2.0, 4.0, lines, std::vector<float>(lines.size(), confidence)};
}

// The slip of the 10-minute bench video: a checkerboard patch above the subtitle read as a line of its own.
TEST(ReadingVote, AMajorityOutvotesAPhantomLine) {
  const auto voted = vote({reading({"07", "Hello, world! 你好，世界！"}, 0.99f),
                           reading({"Hello, world! 你好，世界！"}), reading({"Hello, world! 你好，世界！"})});
  EXPECT_EQ(voted.lines, std::vector<std::string>{"Hello, world! 你好，世界！"});
  EXPECT_EQ(voted.confidences.size(), 1u);
  EXPECT_DOUBLE_EQ(voted.start, 2.0);
  EXPECT_DOUBLE_EQ(voted.end, 4.0);
}

TEST(ReadingVote, ASubtitleMostReadingsMissIsNotTakenFromOne) {
  EXPECT_TRUE(vote({reading({"照照"}), reading({}), reading({})}).lines.empty());
}

TEST(ReadingVote, OneReadingIsTakenAsItIs) {
  EXPECT_EQ(vote({reading({"你好"})}).lines, std::vector<std::string>{"你好"});
}

TEST(ReadingVote, TwoReadingsThatDisagreeGiveTheMoreConfidentOne) {
  EXPECT_EQ(vote({reading({"这是第一一行字幕"}, 0.91f), reading({"这是第一行字幕"}, 0.97f)}).lines,
            std::vector<std::string>{"这是第一行字幕"});
  EXPECT_EQ(vote({reading({}), reading({"这是第一行字幕"}, 0.97f)}).lines,
            std::vector<std::string>{"这是第一行字幕"});
}

// Three readings, each with a slip of its own (a doubled character, a look-alike in either line): no two
// agree, and each character of the text has a majority.
TEST(ReadingVote, ReadingsThatAllDifferAreVotedCharacterByCharacter) {
  const auto voted = vote({reading({"这是第一一行字幕", "这是第二行字幕"}, 0.93f),
                           reading({"这是第一行宇幕", "这是第二行字幕"}, 0.92f),
                           reading({"这是第一行字幕", "这是弟二行字幕"}, 0.96f)});
  EXPECT_EQ(voted.lines, (std::vector<std::string>{"这是第一行字幕", "这是第二行字幕"}));
  EXPECT_EQ(voted.confidences.size(), 2u);
}

}  // namespace
}  // namespace yv::paddleocr

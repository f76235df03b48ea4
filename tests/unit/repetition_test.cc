#include "nodes/whisper/repetition.h"

#include <gtest/gtest.h>

namespace yv::whisper {
namespace {

Segment segment(const std::string& text) {
  Segment s;
  s.text = text;
  return s;
}

std::vector<std::string> texts(const std::vector<Segment>& segments) {
  std::vector<std::string> out;
  for (const auto& s : segments) out.push_back(s.text);
  return out;
}

TEST(Repetition, OrdinarySpeechIsNotALoop) {
  const std::string jfk =
      "And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your "
      "country.";
  EXPECT_GT(compression_ratio(jfk), 1.0);
  EXPECT_LT(compression_ratio(jfk), kCompressionRatioThreshold);
}

TEST(Repetition, ASentenceRepeatedIsALoop) {
  std::string loop;
  for (int i = 0; i < 12; ++i) loop += " Thank you for watching.";
  EXPECT_GT(compression_ratio(loop), kCompressionRatioThreshold);
  Transcript t;
  t.segments = {segment(" Hello there."), segment(loop)};
  EXPECT_TRUE(looping(t));
}

TEST(Repetition, SpeechThatComesBackAMinuteLaterIsNotALoop) {
  const std::string meeting =
      " Welcome to the weekly project meeting. Today we will review the video pipeline. Thank you. The "
      "transcription service is now running on every worker. Please send the final subtitles to the "
      "translation "
      "team by Friday. Great work, everyone. Let us meet again next week.";
  Transcript t;  // the same passage three times in one minute: each 30 s window holds at most one and a half
  for (int i = 0; i < 6; ++i) {
    Segment s = segment(i % 2 ? meeting.substr(meeting.size() / 2) : meeting.substr(0, meeting.size() / 2));
    s.start = i * 10.0;
    t.segments.push_back(s);
  }
  EXPECT_GT(compression_ratio(t.text()), kCompressionRatioThreshold);  // the whole minute looks like a loop
  EXPECT_FALSE(looping(t));
}

TEST(Repetition, EmptyTextHasNoRatio) {
  EXPECT_EQ(compression_ratio(""), 0.0);
  EXPECT_FALSE(looping(Transcript{}));
}

TEST(Repetition, RunsOfOneSentenceAreCutToTwo) {
  std::vector<Segment> s = {segment(" Yes."),       segment(" yes"),       segment(" Yes!"),
                            segment(" Yes."),       segment(" Go on."),    segment(" Thank you."),
                            segment(" Thank you."), segment(" Thank you.")};
  drop_repeated_segments(s);
  EXPECT_EQ(texts(s), (std::vector<std::string>{" Yes.", " yes", " Go on.", " Thank you.", " Thank you."}));
}

TEST(Repetition, DifferentSentencesAreAllKept) {
  std::vector<Segment> s = {segment(" One."), segment(" Two."), segment(" One."), segment(" ...")};
  drop_repeated_segments(s);
  EXPECT_EQ(s.size(), 4u);
}

// The loops quoted in issue 16: a CJK character filling a whole cue, and a digit with a dash.
TEST(Repetition, ACjkLoopIsCutToOneCharacter) {
  std::string loop;
  for (int i = 0; i < 120; ++i) loop += "弓";
  Segment s = segment("我们今天" + loop);
  EXPECT_TRUE(cut_loops(s));
  EXPECT_EQ(s.text, "我们今天弓");
}

TEST(Repetition, ADigitDashLoopIsCutWithItsPartialTail) {
  Segment s = segment(" Call 4-4-4-4-4-4-4-4-4-4-4-4-4-4-4");
  EXPECT_TRUE(cut_loops(s));
  EXPECT_EQ(s.text, " Call 4-");
}

TEST(Repetition, ShortRepetitionsThatPeopleSayAreKept) {
  for (const std::string text : {"哈哈哈哈", " no, no, no, no", "谢谢谢谢大家", " 1 2 3 4 5 6 7 8 9 10"}) {
    Segment s = segment(text);
    EXPECT_FALSE(cut_loops(s)) << text;
    EXPECT_EQ(s.text, text);
  }
}

TEST(Repetition, ALoopAcrossWordsDropsTheWordsItEmptied) {
  Segment s;
  s.words = {{0, 1, "好", 0.9}, {1, 2, "的", 0.9}};
  for (int i = 0; i < 20; ++i) s.words.push_back({2.0 + i * 0.1, 2.1 + i * 0.1, "弓", 0.5});
  s.words.push_back({4, 5, "吧", 0.9});
  for (const auto& w : s.words) s.text += w.word;
  EXPECT_TRUE(cut_loops(s));
  EXPECT_EQ(s.text, "好的弓吧");
  ASSERT_EQ(s.words.size(), 4u);
  EXPECT_EQ(s.words[3].word, "吧");
  EXPECT_DOUBLE_EQ(s.words[3].start, 4);
}

TEST(Repetition, ASentenceLoopInsideOneSegmentKeepsOneSentence) {
  std::string text;
  for (int i = 0; i < 6; ++i) text += " Thank you.";
  Segment s = segment(text);
  EXPECT_TRUE(cut_loops(s));
  EXPECT_EQ(s.text, " Thank you.");
}

}  // namespace
}  // namespace yv::whisper

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

}  // namespace
}  // namespace yv::whisper

// From per-frame readings to subtitle events: OCR slips and short misses are absorbed, flicker and blips
// dropped, times are the frames' own.
#include "nodes/paddleocr/subtitle_events.h"

#include <gtest/gtest.h>

namespace yv::paddleocr {
namespace {

constexpr double kFps = 25;

// Frames first..last (inclusive) reading `line` at `confidence`; an empty line reads nothing.
void add(std::vector<FrameText>& frames, int first, int last, const std::string& line,
         float confidence = 0.99f) {
  for (int i = first; i <= last; ++i) {
    FrameText f{i / kFps, (i + 1) / kFps, {}, {}};
    if (!line.empty()) {
      f.lines.push_back(line);
      f.confidences.push_back(confidence);
    }
    frames.push_back(f);
  }
}

TEST(SubtitleEvents, ConsecutiveFramesOfOneTextAreOneEventWithFrameExactTimes) {
  std::vector<FrameText> frames;
  add(frames, 0, 11, "");
  add(frames, 12, 61, "今天天气很好");
  add(frames, 62, 73, "");
  add(frames, 74, 123, "The quick brown fox");
  add(frames, 124, 130, "");
  const auto events = subtitle_events(frames, 0.8f, 0.2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_DOUBLE_EQ(events[0].start, 12 / kFps);
  EXPECT_DOUBLE_EQ(events[0].end, 62 / kFps);
  EXPECT_EQ(events[0].lines, std::vector<std::string>{"今天天气很好"});
  EXPECT_DOUBLE_EQ(events[1].start, 74 / kFps);
  EXPECT_DOUBLE_EQ(events[1].end, 124 / kFps);
}

TEST(SubtitleEvents, SlipsAndShortMissesStayInTheEventWhichTakesItsLongestReading) {
  std::vector<FrameText> frames;
  add(frames, 0, 20, "你好，欢迎来到我们的节目");
  add(frames, 21, 22, "");                          // two frames missed
  add(frames, 23, 25, "你好，欢迎来到我们的节自");  // one character misread
  add(frames, 26, 49, "你好，欢迎来到我们的节目");
  const auto events = subtitle_events(frames, 0.8f, 0.2);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_DOUBLE_EQ(events[0].start, 0);
  EXPECT_DOUBLE_EQ(events[0].end, 50 / kFps);
  EXPECT_EQ(events[0].lines, std::vector<std::string>{"你好，欢迎来到我们的节目"});
}

TEST(SubtitleEvents, AFrameOrTwoReadDifferentlyStayInTheEvent) {
  std::vector<FrameText> frames;
  add(frames, 0, 10, "他说：“明天见！”");
  add(frames, 11, 11, "他说：");  // the other piece read without confidence
  add(frames, 12, 49, "他说：“明天见！”");
  add(frames, 50, 70, "");
  const auto events = subtitle_events(frames, 0.8f, 0.2);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_DOUBLE_EQ(events[0].start, 0);
  EXPECT_DOUBLE_EQ(events[0].end, 50 / kFps);
}

TEST(SubtitleEvents, ALongerGapOrADifferentTextStartsANewEvent) {
  std::vector<FrameText> frames;
  add(frames, 0, 19, "first line");
  add(frames, 20, 22, "");  // three frames: a real gap
  add(frames, 23, 42, "first line");
  add(frames, 43, 62, "something else entirely");  // replaced without a gap
  const auto events = subtitle_events(frames, 0.8f, 0.2);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_DOUBLE_EQ(events[0].end, 20 / kFps);
  EXPECT_DOUBLE_EQ(events[1].start, 23 / kFps);
  EXPECT_DOUBLE_EQ(events[1].end, 43 / kFps);
  EXPECT_DOUBLE_EQ(events[2].start, 43 / kFps);
  EXPECT_EQ(events[2].lines, std::vector<std::string>{"something else entirely"});
}

TEST(SubtitleEvents, LowConfidenceFlickerAndBlipsShorterThanTheMinimumAreDropped) {
  std::vector<FrameText> frames;
  add(frames, 0, 30, "噪", 0.4f);  // glyph-like background, read without confidence
  add(frames, 31, 33, "blip");     // 0.12 s
  add(frames, 34, 40, "");
  add(frames, 41, 60, "kept line");  // 0.8 s
  const auto events = subtitle_events(frames, 0.8f, 0.2);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].lines, std::vector<std::string>{"kept line"});
  EXPECT_TRUE(subtitle_events({}, 0.8f, 0.2).empty());
}

TEST(SubtitleEvents, TwoLinesStayTwoLines) {
  std::vector<FrameText> frames;
  for (int i = 0; i < 25; ++i)
    frames.push_back({i / kFps, (i + 1) / kFps, {"第一行", "第二行"}, {0.99f, 0.95f}});
  const auto events = subtitle_events(frames, 0.8f, 0.2);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].lines, (std::vector<std::string>{"第一行", "第二行"}));
}

}  // namespace
}  // namespace yv::paddleocr

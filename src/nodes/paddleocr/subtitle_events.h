// From the text read in each frame to subtitle events with start and end times.
//
// Consecutive frames that read the same text (allowing OCR's small slips: a character error rate of at most
// kSameText between them) form one event, from the first frame's start to the last one's end; its text is the
// reading held longest. An event bridges up to kMaxGapFrames frames in which nothing, or something else, was
// read when its text comes back after them: OCR misses or misreads a frame now and then (one piece of a line
// read without confidence), subtitles do not blink. When the text does not come back, the frames after the
// event's last reading are read again on their own, so a subtitle replaced without a gap starts on its frame.
// Lines read with a confidence under `min_confidence` are dropped first (flicker: glyph-like background,
// half-faded text), and events shorter than `min_duration` last (a subtitle is on screen long enough to
// read).
#pragma once

#include <string>
#include <vector>

namespace yv::paddleocr {

struct FrameText {
  double start = 0, end = 0;  // the time span the frame (or the run of identical frames it stands for) covers
  std::vector<std::string> lines;
  std::vector<float> confidences;  // one per line
};

struct SubtitleEvent {
  double start = 0, end = 0;
  std::vector<std::string> lines;
};

inline constexpr double kSameText = 0.3;
inline constexpr int kMaxGapFrames = 2;

// REQUIRES: frames in time order.
std::vector<SubtitleEvent> subtitle_events(const std::vector<FrameText>& frames, float min_confidence,
                                           double min_duration);

}  // namespace yv::paddleocr

// What the tests of burned subtitles share: looking at one frame of a video, comparing two pictures band by
// band, and reading the text drawn into a band with our OCR (the PP-OCRv4 models of paddleocr nodes), so
// that "the subtitles are in the picture" is judged by what can be read there, not by the burner's report.
#pragma once

#include <string>

#include "media/video_frames.h"

namespace yv::test {

// The frame of `video` shown at `t` seconds (a gtest failure when there is none).
media::VideoFrame frame(const std::string& video, double t);

// Mean absolute difference of two same-sized BGR pictures over rows [top, bottom).
double difference(const media::VideoFrame& a, const media::VideoFrame& b, int top, int bottom);

// The text in rows [top, height) of `f`, read by our OCR (PP-OCRv4 detector and recogniser), lines joined.
std::string read_text_in(const media::VideoFrame& f, int top);

}  // namespace yv::test

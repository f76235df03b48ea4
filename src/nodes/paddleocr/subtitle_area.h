// Where a video's subtitles are, from the text boxes found in a sample of its frames.
//
// Subtitles are the text that recurs in one band across many frames, horizontally centred, usually low in
// the picture. Each row of the frame scores the number of frames in which a centred text box covers it,
// weighted towards the bottom (a row at the bottom counts twice one at the top), so a title card in the
// middle of a few frames or a station logo in a corner (off-centre) does not win. The band is the run of rows
// around the best one that score at least a tenth of it (with gaps of up to a line's spacing, so both lines
// of two-line subtitles are in), grown by a margin; it spans the frame's whole width, since a longer line
// than any sampled may come later. Without any centred text the band is the frame's bottom quarter, where
// subtitles would be, and `found` is false.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

namespace yv::paddleocr {

struct SubtitleArea {
  cv::Rect area;  // inside the frame
  bool found = false;
};

// `boxes[i]`: the text boxes of sample frame i, in frame pixels.
SubtitleArea find_subtitle_area(const std::vector<std::vector<cv::Rect>>& boxes, cv::Size frame);

}  // namespace yv::paddleocr

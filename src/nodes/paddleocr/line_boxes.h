// The detector's boxes made into one box per text line before recognition.
//
// DB grows each region it finds by a margin (its "unclip"), so neighbouring boxes overlap, in two ways:
// - A line the network split at a character it was unsure of comes out as two boxes that overlap along the
//   line, and both hold that character: the 120 s bench video's '这是第一行字幕' was read '这是第一' +
//   '一行字幕' in two of its three frames, so the vote kept the doubled '一'. Boxes that overlap across the
//   text by at least half the thinner one's extent are pieces of one line and become their union.
// - Lines set close together (the columns of vertical text, set closer than their margins) overlap across:
//   one line's box takes in the edge of its neighbour, whose ink the column would be cut into cells with.
//   Other overlapping boxes are cut apart in the middle of their overlap across.
// "Across" is the boxes' height for horizontal text and their width for vertical text.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

namespace yv::paddleocr {

// Keeps the boxes' order; a union takes the place of the first of its pieces.
void tidy_line_boxes(std::vector<cv::Rect>& boxes, bool vertical);

}  // namespace yv::paddleocr

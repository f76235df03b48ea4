// Where a video's subtitles are, from the text boxes found in a sample of its frames.
//
// Subtitles are the text that recurs in one band across many frames. Horizontal subtitles are centred
// horizontally, usually low in the picture: each row of the frame scores the number of frames in which a
// centred text box covers it, weighted towards the bottom (a row at the bottom counts twice one at the top),
// so a title card in the middle of a few frames or a station logo in a corner (off-centre) does not win.
// Vertical subtitles (Chinese and Japanese dramas, short videos) are a column of characters near the left or
// right edge, which the detector finds as one tall box: each column of the frame scores the frames in which a
// tall box (at least kTall times as high as wide) near an edge covers it. Logos, signs and title cards are
// wide or few, so they do not make a column. The band is the run of rows (columns) around the best one that
// score at least a tenth of it (with gaps of up to a line's spacing, so both lines of two-line subtitles are
// in), grown by a margin; it spans the frame's whole width (height), since a longer line than any sampled may
// come later. Unless forced, the orientation is the one whose best band recurs in more frames (horizontal on
// a tie). Without any such text the band is the frame's bottom quarter, where subtitles would be, and `found`
// is false.
#pragma once

#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

namespace yv::paddleocr {

enum class Orientation { kHorizontal, kVertical };

// "horizontal" / "vertical", the names the nodes' parameters and manifests use.
std::string orientation_name(Orientation o);
// Throws yv::Error "invalid_parameter" (400) for any other name.
Orientation parse_orientation(const std::string& name);

struct SubtitleArea {
  cv::Rect area;  // inside the frame
  Orientation orientation = Orientation::kHorizontal;
  bool found = false;
};

// `boxes[i]`: the text boxes of sample frame i, in frame pixels. `force`: look only for that orientation.
SubtitleArea find_subtitle_area(const std::vector<std::vector<cv::Rect>>& boxes, cv::Size frame,
                                std::optional<Orientation> force = std::nullopt);

}  // namespace yv::paddleocr

// One box per text line before recognition: pieces of a line that overlap along it become one box, lines
// that overlap across are cut apart, for horizontal text and for columns alike.
#include "nodes/paddleocr/line_boxes.h"

#include <gtest/gtest.h>

namespace yv::paddleocr {
namespace {

cv::Rect corners(int x1, int y1, int x2, int y2) { return {cv::Point(x1, y1), cv::Point(x2, y2)}; }

// The boxes the detector gave for a two-line subtitle of the 120 s bench video: its first line split at
// '一', both pieces holding it.
TEST(LineBoxes, PiecesOfALineThatOverlapBecomeOneBox) {
  std::vector<cv::Rect> boxes = {corners(510, 585, 652, 637), corners(640, 588, 769, 636),
                                 corners(512, 638, 768, 685)};
  tidy_line_boxes(boxes, false);
  EXPECT_EQ(boxes, (std::vector<cv::Rect>{corners(510, 585, 769, 637), corners(512, 638, 768, 685)}));
}

TEST(LineBoxes, LinesThatOverlapAcrossAreCutApartInTheMiddle) {
  std::vector<cv::Rect> rows = {corners(500, 580, 770, 640), corners(510, 630, 760, 690)};
  tidy_line_boxes(rows, false);
  EXPECT_EQ(rows, (std::vector<cv::Rect>{corners(500, 580, 770, 635), corners(510, 635, 760, 690)}));
  // Two columns of vertical text, right one first, and a column found in two pieces.
  std::vector<cv::Rect> columns = {corners(1157, 228, 1221, 465), corners(1091, 226, 1163, 300),
                                   corners(1093, 290, 1162, 469)};
  tidy_line_boxes(columns, true);
  EXPECT_EQ(columns, (std::vector<cv::Rect>{corners(1160, 228, 1221, 465), corners(1091, 226, 1160, 469)}));
}

TEST(LineBoxes, BoxesApartStayAsTheyAre) {
  const std::vector<cv::Rect> apart = {corners(300, 640, 420, 690), corners(470, 641, 600, 689)};
  auto boxes = apart;
  tidy_line_boxes(boxes, false);
  EXPECT_EQ(boxes, apart);
}

}  // namespace
}  // namespace yv::paddleocr

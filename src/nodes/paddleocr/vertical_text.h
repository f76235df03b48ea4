// Vertical text (a column of upright characters, top to bottom) as a horizontal line image, so that
// PP-OCRv4's recogniser, trained on horizontal lines only, reads it.
//
// Rotating the column would turn the characters on their sides, which the recogniser does not read. Instead
// the column is cut into character cells and the cells are pasted left to right. CJK characters are about
// square, so a cell is about as high as the column's ink is wide; the cuts are in the gaps of the column's
// row profile (edge energy per row: strokes and outlines are edges, the spacing between characters is not).
// Pieces of one character that the profile separates (二, 三, 旦) join while together they are no higher than
// 1.2 character widths; a piece that holds two or more characters with no gap showing between them
// (background behind the spacing) is cut evenly by the column's character pitch. Each cell keeps half of the
// gap on either side, so the line keeps the column's own spacing and background, and cells are padded to one
// height by repeating their edge rows.
#pragma once

#include <opencv2/core.hpp>

namespace yv::paddleocr {

// `column`: a BGR image of one vertical line (a detected box). Returns it unchanged when it shows no ink.
cv::Mat vertical_to_horizontal(const cv::Mat& column);

}  // namespace yv::paddleocr

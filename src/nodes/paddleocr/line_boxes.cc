#include "nodes/paddleocr/line_boxes.h"

#include <algorithm>

namespace yv::paddleocr {
namespace {

// A box's extent across the text: [first, end).
struct Across {
  int first, end;
};

Across across(const cv::Rect& r, bool vertical) {
  return vertical ? Across{r.x, r.br().x} : Across{r.y, r.br().y};
}

}  // namespace

void tidy_line_boxes(std::vector<cv::Rect>& boxes, bool vertical) {
  for (size_t i = 0; i < boxes.size(); ++i) {
    for (size_t j = i + 1; j < boxes.size(); ++j) {
      const cv::Rect both = boxes[i] & boxes[j];
      const Across a = across(boxes[i], vertical), b = across(boxes[j], vertical);
      const int overlap = vertical ? both.width : both.height;
      if (both.empty() || 2 * overlap < std::min(a.end - a.first, b.end - b.first)) continue;
      boxes[i] |= boxes[j];
      boxes.erase(boxes.begin() + long(j));
      j = i;  // the union may reach boxes it did not before
    }
  }
  for (auto& a : boxes) {
    for (auto& b : boxes) {
      const cv::Rect both = a & b;
      if (&a == &b || both.empty()) continue;
      // `a` is the one before `b` across the text; each pair is cut once, from that side.
      if (across(a, vertical).first > across(b, vertical).first) continue;
      if (vertical) {
        const int middle = both.x + both.width / 2;
        a.width = middle - a.x;
        b.width = b.br().x - middle;
        b.x = middle;
      } else {
        const int middle = both.y + both.height / 2;
        a.height = middle - a.y;
        b.height = b.br().y - middle;
        b.y = middle;
      }
    }
  }
}

}  // namespace yv::paddleocr

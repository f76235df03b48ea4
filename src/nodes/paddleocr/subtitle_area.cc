#include "nodes/paddleocr/subtitle_area.h"

#include <algorithm>
#include <cmath>

namespace yv::paddleocr {
namespace {

// A box is centred when its middle is within this fraction of the width from the frame's middle.
constexpr double kCentred = 0.2;
constexpr double kKeep = 0.1;     // rows scoring at least this fraction of the best row are in the band
constexpr double kMargin = 0.25;  // the band grows by this fraction of its height on each side
// Text in fewer samples than this fraction (and never in just one) is a chance detection, not subtitles.
constexpr double kMinSamples = 0.1;

}  // namespace

SubtitleArea find_subtitle_area(const std::vector<std::vector<cv::Rect>>& boxes, cv::Size frame) {
  std::vector<double> score(size_t(frame.height), 0.0);
  std::vector<int> samples(size_t(frame.height), 0);
  std::vector<int> line_heights;
  for (const auto& sample : boxes) {
    std::vector<char> covered(size_t(frame.height), 0);
    for (const cv::Rect& b : sample) {
      const double middle = b.x + b.width / 2.0;
      if (std::abs(middle - frame.width / 2.0) > kCentred * frame.width) continue;
      const cv::Rect r = b & cv::Rect(0, 0, frame.width, frame.height);
      for (int y = r.y; y < r.y + r.height; ++y) covered[size_t(y)] = 1;
      if (r.height > 0) line_heights.push_back(r.height);
    }
    for (int y = 0; y < frame.height; ++y) {
      if (!covered[size_t(y)]) continue;
      score[size_t(y)] += 1.0 + double(y) / frame.height;
      ++samples[size_t(y)];
    }
  }
  const auto best = std::max_element(score.begin(), score.end());
  const int needed = std::max(2, int(std::ceil(kMinSamples * double(boxes.size()))));
  if (best == score.end() || samples[size_t(best - score.begin())] < needed) {
    return {cv::Rect(0, frame.height * 3 / 4, frame.width, frame.height - frame.height * 3 / 4), false};
  }
  std::nth_element(line_heights.begin(), line_heights.begin() + long(line_heights.size() / 2),
                   line_heights.end());
  const int line = line_heights[line_heights.size() / 2];
  const double keep = *best * kKeep;
  int top = int(best - score.begin()), bottom = top;
  // Grows the band while rows within one line's spacing still score.
  const auto extend = [&](int& edge, int step) {
    for (int y = edge + step, gap = 0; y >= 0 && y < frame.height && gap <= line / 2; y += step) {
      if (score[size_t(y)] >= keep) {
        edge = y;
        gap = 0;
      } else {
        ++gap;
      }
    }
  };
  extend(top, -1);
  extend(bottom, +1);
  const int margin = int(std::ceil((bottom - top + 1) * kMargin));
  top = std::max(0, top - margin);
  bottom = std::min(frame.height - 1, bottom + margin);
  return {cv::Rect(0, top, frame.width, bottom - top + 1), true};
}

}  // namespace yv::paddleocr

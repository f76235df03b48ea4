#include "nodes/paddleocr/subtitle_area.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace yv::paddleocr {
namespace {

// A box is centred when its middle is within this fraction of the width from the frame's middle.
constexpr double kCentred = 0.2;
// A tall box is near an edge when its middle is within this fraction of the width from the left or right.
constexpr double kEdge = 0.25;
constexpr double kTall = 2.0;     // a box this many times as high as wide is a vertical line
constexpr double kKeep = 0.1;     // positions scoring at least this fraction of the best are in the band
constexpr double kMargin = 0.25;  // the band grows by this fraction of its extent on each side
// Text in fewer samples than this fraction (and never in just one) is a chance detection, not subtitles.
constexpr double kMinSamples = 0.1;

// Scores of the positions across the lines of one orientation: rows for horizontal, columns for vertical.
struct Profile {
  std::vector<double> score;
  std::vector<int> samples;
  std::vector<int> line_sizes;  // each counted box's extent across its line (height, or width)
};

bool counts(const cv::Rect& b, cv::Size frame, Orientation o) {
  const double middle = b.x + b.width / 2.0;
  if (o == Orientation::kHorizontal) return std::abs(middle - frame.width / 2.0) <= kCentred * frame.width;
  const bool near_edge = middle <= kEdge * frame.width || middle >= (1 - kEdge) * frame.width;
  return near_edge && b.height >= kTall * b.width;
}

Profile profile(const std::vector<std::vector<cv::Rect>>& boxes, cv::Size frame, Orientation o) {
  const bool rows = o == Orientation::kHorizontal;
  const int length = rows ? frame.height : frame.width;
  Profile p{std::vector<double>(size_t(length), 0.0), std::vector<int>(size_t(length), 0), {}};
  for (const auto& sample : boxes) {
    std::vector<char> covered(size_t(length), 0);
    for (const cv::Rect& b : sample) {
      if (!counts(b, frame, o)) continue;
      const cv::Rect r = b & cv::Rect(0, 0, frame.width, frame.height);
      const int first = rows ? r.y : r.x, size = rows ? r.height : r.width;
      for (int i = first; i < first + size; ++i) covered[size_t(i)] = 1;
      if (size > 0) p.line_sizes.push_back(size);
    }
    for (int i = 0; i < length; ++i) {
      if (!covered[size_t(i)]) continue;
      p.score[size_t(i)] += rows ? 1.0 + double(i) / length : 1.0;
      ++p.samples[size_t(i)];
    }
  }
  return p;
}

int best_samples(const Profile& p) {
  const auto best = std::max_element(p.score.begin(), p.score.end());
  return best == p.score.end() ? 0 : p.samples[size_t(best - p.score.begin())];
}

// [first, last] position of the band around the best-scoring position, margin included.
std::pair<int, int> band(Profile p) {
  const int length = int(p.score.size());
  const auto best = std::max_element(p.score.begin(), p.score.end());
  std::nth_element(p.line_sizes.begin(), p.line_sizes.begin() + long(p.line_sizes.size() / 2),
                   p.line_sizes.end());
  const int line = p.line_sizes[p.line_sizes.size() / 2];
  const double keep = *best * kKeep;
  int first = int(best - p.score.begin()), last = first;
  // Grows the band while positions within one line's spacing still score.
  const auto extend = [&](int& edge, int step) {
    for (int i = edge + step, gap = 0; i >= 0 && i < length && gap <= line / 2; i += step) {
      if (p.score[size_t(i)] >= keep) {
        edge = i;
        gap = 0;
      } else {
        ++gap;
      }
    }
  };
  extend(first, -1);
  extend(last, +1);
  const int margin = int(std::ceil((last - first + 1) * kMargin));
  return {std::max(0, first - margin), std::min(length - 1, last + margin)};
}

}  // namespace

std::string orientation_name(Orientation o) {
  return o == Orientation::kVertical ? "vertical" : "horizontal";
}

Orientation parse_orientation(const std::string& name) {
  if (name == "horizontal") return Orientation::kHorizontal;
  if (name == "vertical") return Orientation::kVertical;
  throw Error("invalid_parameter", "orientation must be \"horizontal\" or \"vertical\", not \"" + name + "\"",
              400);
}

SubtitleArea find_subtitle_area(const std::vector<std::vector<cv::Rect>>& boxes, cv::Size frame,
                                std::optional<Orientation> force) {
  const Profile horizontal = profile(boxes, frame, Orientation::kHorizontal);
  const Profile vertical = profile(boxes, frame, Orientation::kVertical);
  const Orientation o = force                                               ? *force
                        : best_samples(vertical) > best_samples(horizontal) ? Orientation::kVertical
                                                                            : Orientation::kHorizontal;
  const Profile& p = o == Orientation::kVertical ? vertical : horizontal;
  const int needed = std::max(2, int(std::ceil(kMinSamples * double(boxes.size()))));
  if (best_samples(p) < needed) {
    return {cv::Rect(0, frame.height * 3 / 4, frame.width, frame.height - frame.height * 3 / 4),
            Orientation::kHorizontal, false};
  }
  const auto [first, last] = band(p);
  if (o == Orientation::kVertical) return {cv::Rect(first, 0, last - first + 1, frame.height), o, true};
  return {cv::Rect(0, first, frame.width, last - first + 1), o, true};
}

}  // namespace yv::paddleocr

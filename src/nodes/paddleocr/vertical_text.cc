#include "nodes/paddleocr/vertical_text.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace yv::paddleocr {
namespace {

// A row (column) holds ink when its edge energy is at least this fraction of the strongest row's (measured
// on the fixture's vertical subtitles over real footage: 0.1 lets background texture bridge the gaps).
constexpr double kInk = 0.15;
// Pieces of one character (二, 三) are no higher than this many character widths together.
constexpr double kMergeCell = 1.2;

struct Span {
  int first, last;  // inclusive
  int size() const { return last - first + 1; }
};

// The runs of `profile` at or above kInk of its largest value.
std::vector<Span> ink_runs(const cv::Mat& profile) {
  double top = 0;
  cv::minMaxLoc(profile, nullptr, &top);
  std::vector<Span> runs;
  const int n = int(profile.total());
  for (int i = 0; i < n; ++i) {
    if (top <= 0 || profile.at<float>(i) < kInk * top) continue;
    if (!runs.empty() && runs.back().last == i - 1) {
      runs.back().last = i;
    } else {
      runs.push_back({i, i});
    }
  }
  return runs;
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// The rows of each character, top to bottom.
std::vector<Span> character_rows(const cv::Mat& gray) {
  cv::Mat across, down, row_energy, column_energy;
  cv::absdiff(gray.colRange(1, gray.cols), gray.colRange(0, gray.cols - 1), across);
  cv::absdiff(gray.rowRange(1, gray.rows), gray.rowRange(0, gray.rows - 1), down);
  cv::reduce(across, row_energy, 1, cv::REDUCE_SUM, CV_32F);
  cv::reduce(down, column_energy, 0, cv::REDUCE_SUM, CV_32F);
  cv::blur(row_energy, row_energy, cv::Size(1, 3));
  const auto ink_columns = ink_runs(column_energy);
  if (ink_columns.empty()) return {};
  const int width = ink_columns.back().last - ink_columns.front().first + 1;
  std::vector<Span> cells;
  for (const Span& run : ink_runs(row_energy)) {
    if (!cells.empty() && run.last - cells.back().first + 1 <= kMergeCell * width) {
      cells.back().last = run.last;
    } else {
      cells.push_back(run);
    }
  }
  if (cells.size() < 3) return cells;  // too few to measure the pitch by
  std::vector<double> steps, heights;
  for (size_t i = 0; i < cells.size(); ++i) {
    heights.push_back(cells[i].size());
    if (i > 0) steps.push_back(cells[i].first - cells[i - 1].first);
  }
  const double pitch = median(steps), spacing = pitch - median(heights);
  std::vector<Span> split;
  for (const Span& c : cells) {
    const int parts = std::clamp(int(std::lround((c.size() + spacing) / pitch)), 1, c.size());
    for (int k = 0; k < parts; ++k) {
      split.push_back({c.first + int(std::lround(double(k) * c.size() / parts)),
                       c.first + int(std::lround(double(k + 1) * c.size() / parts)) - 1});
    }
  }
  return split;
}

}  // namespace

cv::Mat vertical_to_horizontal(const cv::Mat& column) {
  if (column.rows < 2 || column.cols < 2) return column;
  cv::Mat gray;
  cv::cvtColor(column, gray, cv::COLOR_BGR2GRAY);
  const auto cells = character_rows(gray);
  if (cells.empty()) return column;
  std::vector<int> cuts = {0};
  for (size_t i = 1; i < cells.size(); ++i) cuts.push_back((cells[i - 1].last + cells[i].first + 1) / 2);
  cuts.push_back(column.rows);
  int height = 0;
  for (size_t i = 1; i < cuts.size(); ++i) height = std::max(height, cuts[i] - cuts[i - 1]);
  std::vector<cv::Mat> parts;
  for (size_t i = 1; i < cuts.size(); ++i) {
    const int pad = height - (cuts[i] - cuts[i - 1]);
    cv::Mat part;
    cv::copyMakeBorder(column.rowRange(cuts[i - 1], cuts[i]), part, pad / 2, pad - pad / 2, 0, 0,
                       cv::BORDER_REPLICATE);
    parts.push_back(part);
  }
  cv::Mat line;
  cv::hconcat(parts, line);
  return line;
}

}  // namespace yv::paddleocr

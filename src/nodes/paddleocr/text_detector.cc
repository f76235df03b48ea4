#include "nodes/paddleocr/text_detector.h"

#include <algorithm>
#include <cmath>
#include <opencv2/geometry.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace yv::paddleocr {
namespace {

// DB's post-processing constants, as PaddleOCR trained and tuned PP-OCRv4 det.
constexpr float kPixelThreshold = 0.3f;  // a pixel is text above this probability
constexpr float kBoxThreshold = 0.5f;    // a region is a line when its mean probability reaches this
constexpr double kUnclipRatio = 1.6;     // how far a region is grown back: area * ratio / perimeter
constexpr int kMaxCandidates = 1000;
constexpr int kMinSide = 3;  // regions thinner than this (network pixels) are noise

int multiple_of_32(double v) { return std::max(32, int(std::lround(v / 32)) * 32); }

}  // namespace

TextDetector::TextDetector(const std::filesystem::path& model) {
  try {
    net_ = cv::dnn::readNetFromONNX(model.string());
  } catch (const cv::Exception& e) {
    throw Error("model_load_failed", "cannot load the text detector " + model.string() + ": " + e.what(),
                500);
  }
}

std::vector<TextBox> TextDetector::detect(const cv::Mat& bgr, double scale) {
  const int in_w = multiple_of_32(bgr.cols * scale), in_h = multiple_of_32(bgr.rows * scale);
  // (pixel / 255 - 0.5) / 0.5, channels in BGR order, as the network was trained.
  cv::Mat blob = cv::dnn::blobFromImage(bgr, 1.0 / 127.5, cv::Size(in_w, in_h),
                                        cv::Scalar(127.5, 127.5, 127.5), false, false, CV_32F);
  net_.setInput(blob);
  cv::Mat out = net_.forward();  // 1 x 1 x in_h x in_w probabilities
  cv::Mat prob(in_h, in_w, CV_32F, out.ptr<float>());

  cv::Mat mask = prob > kPixelThreshold;
  cv::dilate(mask, mask, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2, 2)));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  if (contours.size() > size_t(kMaxCandidates)) contours.resize(kMaxCandidates);

  const double sx = double(bgr.cols) / in_w, sy = double(bgr.rows) / in_h;
  const cv::Rect image(0, 0, bgr.cols, bgr.rows);
  std::vector<TextBox> boxes;
  for (const auto& contour : contours) {
    const cv::RotatedRect region = cv::minAreaRect(contour);
    if (std::min(region.size.width, region.size.height) < kMinSide) continue;
    // The region's score: mean probability inside its contour.
    const cv::Rect bound = cv::boundingRect(contour) & cv::Rect(0, 0, in_w, in_h);
    cv::Mat inside = cv::Mat::zeros(bound.size(), CV_8U);
    cv::fillPoly(inside, std::vector<std::vector<cv::Point>>{contour}, 255, cv::LINE_8, 0, -bound.tl());
    const float score = float(cv::mean(prob(bound), inside)[0]);
    if (score < kBoxThreshold) continue;
    // Unclip: the offset polygon of a rectangle is the rectangle grown by the offset on every side.
    const double w = region.size.width, h = region.size.height;
    const double grow = w * h * kUnclipRatio / (2 * (w + h));
    const cv::RotatedRect grown(region.center, cv::Size2f(float(w + 2 * grow), float(h + 2 * grow)),
                                region.angle);
    if (std::min(grown.size.width, grown.size.height) < kMinSide + 2) continue;
    const cv::Rect2f r = grown.boundingRect2f();
    const cv::Rect box =
        cv::Rect(cv::Point(int(std::floor(r.x * sx)), int(std::floor(r.y * sy))),
                 cv::Point(int(std::ceil((r.x + r.width) * sx)), int(std::ceil((r.y + r.height) * sy)))) &
        image;
    if (box.width > 3 && box.height > 3) boxes.push_back({box, score});
  }
  // Reading order: by vertical centre, then each row left to right. A row is the boxes whose centres fall
  // within the rows its boxes so far cover: a small piece high in the line (closing quotation marks) comes
  // first by centre and must not cut the row under it in two, or the line's pieces are read out of order.
  const auto centre_y = [](const TextBox& b) { return b.box.y + b.box.height / 2; };
  std::sort(boxes.begin(), boxes.end(),
            [&](const TextBox& a, const TextBox& b) { return centre_y(a) < centre_y(b); });
  for (size_t row = 0; row < boxes.size();) {
    size_t end = row + 1;
    for (int bottom = boxes[row].box.br().y; end < boxes.size() && centre_y(boxes[end]) <= bottom; ++end)
      bottom = std::max(bottom, boxes[end].box.br().y);
    std::sort(boxes.begin() + long(row), boxes.begin() + long(end),
              [](const TextBox& a, const TextBox& b) { return a.box.x < b.box.x; });
    row = end;
  }
  return boxes;
}

}  // namespace yv::paddleocr

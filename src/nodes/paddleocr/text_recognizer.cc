#include "nodes/paddleocr/text_recognizer.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace yv::paddleocr {
namespace {

constexpr int kHeight = 48;      // the network's input height
constexpr int kMinWidth = 320;   // the width it was trained at; narrower batches are padded to it
constexpr int kMaxWidth = 3200;  // longer lines are squeezed: the network's receptive field stays sane
constexpr size_t kBatch = 6;

[[noreturn]] void load_failed(const std::string& what) { throw Error("model_load_failed", what, 500); }

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

TextRecognizer::TextRecognizer(const std::filesystem::path& model, const std::filesystem::path& alphabet) {
  try {
    net_ = cv::dnn::readNetFromONNX(model.string());
  } catch (const cv::Exception& e) {
    load_failed("cannot load the text recogniser " + model.string() + ": " + e.what());
  }
  std::ifstream in(alphabet);
  if (!in) load_failed("cannot read the recogniser's alphabet " + alphabet.string());
  classes_.emplace_back();  // CTC blank
  for (std::string line; std::getline(in, line);) classes_.push_back(line);
  classes_.emplace_back(" ");
  if (classes_.size() < 3) load_failed("the recogniser's alphabet " + alphabet.string() + " is empty");
}

std::vector<Recognition> TextRecognizer::recognize(const std::vector<cv::Mat>& lines) {
  std::vector<Recognition> out(lines.size());
  // Similar widths batch together, so little of a batch is padding.
  std::vector<size_t> order(lines.size());
  std::iota(order.begin(), order.end(), 0);
  const auto ratio = [&](size_t i) { return double(lines[i].cols) / std::max(1, lines[i].rows); };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ratio(a) < ratio(b); });

  for (size_t first = 0; first < order.size(); first += kBatch) {
    const size_t n = std::min(kBatch, order.size() - first);
    const int width = std::clamp(int(std::ceil(kHeight * ratio(order[first + n - 1]))), kMinWidth, kMaxWidth);
    // N x 3 x 48 x width, (pixel / 255 - 0.5) / 0.5 in BGR order, zero (mid grey) to the right of each line.
    const int shape[] = {int(n), 3, kHeight, width};
    cv::Mat blob(4, shape, CV_32F, cv::Scalar(0));
    for (size_t k = 0; k < n; ++k) {
      const cv::Mat& line = lines[order[first + k]];
      if (line.empty()) continue;
      const int w = std::clamp(int(std::ceil(kHeight * ratio(order[first + k]))), 1, width);
      cv::Mat scaled;
      cv::resize(line, scaled, cv::Size(w, kHeight));
      scaled.convertTo(scaled, CV_32FC3, 1.0 / 127.5, -1.0);
      std::vector<cv::Mat> planes;
      cv::split(scaled, planes);
      for (int c = 0; c < 3; ++c) {
        cv::Mat plane(kHeight, width, CV_32F,
                      blob.ptr<float>() + (k * 3 + size_t(c)) * kHeight * size_t(width));
        planes[size_t(c)].copyTo(plane(cv::Rect(0, 0, w, kHeight)));
      }
    }
    net_.setInput(blob);
    cv::Mat scores = net_.forward();  // N x T x classes, softmax probabilities
    if (scores.dims != 3 || scores.size[2] != int(classes_.size())) {
      load_failed("the recogniser's " + std::to_string(scores.dims == 3 ? scores.size[2] : 0) +
                  " classes do not match its alphabet of " + std::to_string(classes_.size() - 2) +
                  " characters");
    }
    const int steps = scores.size[1], classes = scores.size[2];
    for (size_t k = 0; k < n; ++k) {
      const float* p = scores.ptr<float>(int(k));
      std::string text;
      double sum = 0;
      int count = 0, previous = 0;
      for (int t = 0; t < steps; ++t, p += classes) {
        const int best = int(std::max_element(p, p + classes) - p);
        if (best != 0 && best != previous) {
          text += classes_[size_t(best)];
          sum += p[best];
          ++count;
        }
        previous = best;
      }
      out[order[first + k]] = {trim(text), count ? float(sum / count) : 0.0f};
    }
  }
  return out;
}

}  // namespace yv::paddleocr

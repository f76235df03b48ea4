// Text detection with PaddleOCR's DB network (PP-OCRv4 det) on OpenCV's dnn module.
//
// The network scores every pixel for "inside a text line"; the lines are the connected regions of that map
// above a threshold, each grown back by the margin DB's training shrank them by ("unclip"). Subtitles are
// horizontal, so a line comes out as an axis-aligned box in the input's pixels; rotated text gets the box
// around it. The input is scaled by `scale` first (then to multiples of 32, as the network needs): subtitle
// text is large, and half the pixels is a quarter of the work.
#pragma once

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <vector>

namespace yv::paddleocr {

struct TextBox {
  cv::Rect box;  // in the input's pixels, inside the image
  float score;   // mean text probability inside the region, in [0, 1]
};

class TextDetector {
 public:
  // Throws yv::Error "model_load_failed" (500) when the file is not a network OpenCV can load.
  explicit TextDetector(const std::filesystem::path& model);

  // The text lines of a BGR image, top to bottom, then left to right.
  std::vector<TextBox> detect(const cv::Mat& bgr, double scale = 1.0);

 private:
  cv::dnn::Net net_;
};

}  // namespace yv::paddleocr

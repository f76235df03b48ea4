// Text-line recognition with PaddleOCR's PP-OCRv4 recogniser (SVTR-LCNet, CTC) on OpenCV's dnn module.
//
// A line image is scaled to 48 pixels high (aspect kept) and the network scores, for each of its columns,
// every character of the alphabet plus CTC's blank and a space; the text is the best class of each column
// with repeats and blanks removed (greedy CTC decoding). Lines are run in batches of similar width, padded
// to the widest, as the network was trained (padding is the normalised zero, mid grey).
#pragma once

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

namespace yv::paddleocr {

struct Recognition {
  std::string text;      // UTF-8, without leading or trailing spaces
  float confidence = 0;  // mean probability of the characters read, in [0, 1]; 0 for no text
};

class TextRecognizer {
 public:
  // `alphabet`: one character a line, in class order after the blank (tools/ppocr_models.py writes it).
  // Throws yv::Error "model_load_failed" (500) when the network cannot be loaded, the alphabet cannot be
  // read, or the two do not belong together (checked on the first batch: classes = characters + 2).
  TextRecognizer(const std::filesystem::path& model, const std::filesystem::path& alphabet);

  // The text of each BGR line image, in the order given.
  std::vector<Recognition> recognize(const std::vector<cv::Mat>& lines);

 private:
  cv::dnn::Net net_;
  std::vector<std::string> classes_;  // blank (""), the characters, then the space
};

}  // namespace yv::paddleocr

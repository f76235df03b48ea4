#include "dubbing/burned_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "nodes/paddleocr/ocr_models.h"
#include "nodes/paddleocr/text_detector.h"
#include "nodes/paddleocr/text_recognizer.h"

namespace yv::test {

media::VideoFrame frame(const std::string& video, double t) {
  media::VideoReader reader(video);
  media::VideoFrame f;
  EXPECT_TRUE(reader.frame_at(t, f)) << video << " at " << t;
  return f;
}

double difference(const media::VideoFrame& a, const media::VideoFrame& b, int top, int bottom) {
  double sum = 0;
  const size_t row = size_t(a.width) * 3;
  for (int y = top; y < bottom; ++y) {
    for (size_t x = 0; x < row; ++x)
      sum += std::abs(int(a.bgr[size_t(y) * row + x]) - int(b.bgr[size_t(y) * row + x]));
  }
  return sum / double(row * size_t(bottom - top));
}

std::string read_text_in(const media::VideoFrame& f, int top) {
  const auto files = paddleocr::ocr_model_files();
  paddleocr::TextDetector detector(files.detector);
  paddleocr::TextRecognizer recognizer(files.recognizer, files.alphabet);
  cv::Mat picture(f.height, f.width, CV_8UC3, const_cast<uint8_t*>(f.bgr.data()));
  const cv::Mat band = picture.rowRange(top, f.height);
  std::vector<cv::Mat> lines;
  for (const auto& line : detector.detect(band)) lines.push_back(band(line.box).clone());
  std::string text;
  for (const auto& r : recognizer.recognize(lines)) text += r.text;
  return text;
}

}  // namespace yv::test

// vertical_to_horizontal on real footage: the column of vertical subtitles that tools/ocr_fixture.py burns
// into Big Buck Bunny (real_bbb_8s_vertical.mp4), as the detector finds it, becomes a line of upright
// characters that the recogniser reads exactly; the column given as it is reads as something else.
#include "nodes/paddleocr/vertical_text.h"

#include <gtest/gtest.h>

#include "media/video_frames.h"
#include "nodes/paddleocr/ocr_models.h"
#include "nodes/paddleocr/text_detector.h"
#include "nodes/paddleocr/text_recognizer.h"
#include "ocr/ocr_media.h"

namespace yv::test {
namespace {

TEST(VerticalText, AColumnOfCharactersBecomesALineTheRecogniserReads) {
  media::VideoReader video(ocr_media("real_bbb_8s_vertical.mp4"));
  media::VideoFrame f;
  ASSERT_TRUE(video.frame_at(1.0, f));  // the first subtitle, shown from 0.5 s to 2.5 s
  const cv::Mat frame(f.height, f.width, CV_8UC3, f.bgr.data());
  const auto models = paddleocr::ocr_model_files();
  paddleocr::TextDetector detector(models.detector);
  std::vector<cv::Rect> columns;
  for (const auto& b : detector.detect(frame)) {
    if (b.box.height >= 2 * b.box.width) columns.push_back(b.box);
  }
  ASSERT_EQ(columns.size(), 1u);
  const cv::Mat column = frame(columns[0]);
  const cv::Mat line = paddleocr::vertical_to_horizontal(column);
  EXPECT_GT(line.cols, 5 * line.rows) << "ten characters side by side";
  paddleocr::TextRecognizer recognizer(models.recognizer, models.alphabet);
  const auto read = recognizer.recognize({line, column});
  EXPECT_EQ(read[0].text, "床前明月光疑是地上霜");
  EXPECT_GE(read[0].confidence, 0.9f);
  EXPECT_NE(read[1].text, "床前明月光疑是地上霜");
}

}  // namespace
}  // namespace yv::test

// Where the OCR networks live: PaddleOCR's PP-OCRv4 detector and recogniser, unpacked by the set-up from the
// pinned rapidocr-onnxruntime wheel (tools/ppocr_models.py, scripts/lib/deps.sh yv_ensure_ocr_models) into
// ppocr/ of the model directory ($YIVIDEO_MODEL_DIR). The nodes ask here and never know where files came
// from.
#pragma once

#include <filesystem>

namespace yv::paddleocr {

struct OcrModelFiles {
  std::filesystem::path detector;    // det.onnx: DB text detector, a text-probability map per pixel
  std::filesystem::path recognizer;  // rec.onnx: SVTR-LCNet + CTC, class scores per column
  std::filesystem::path alphabet;    // rec.keys: the recogniser's characters in class order
};

// The files in <model dir>/ppocr. Throws yv::Error "model_not_found" (404) naming the missing file and the
// command that installs it.
OcrModelFiles ocr_model_files();

}  // namespace yv::paddleocr

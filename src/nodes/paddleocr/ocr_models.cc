#include "nodes/paddleocr/ocr_models.h"

#include "core/error.h"
#include "nodes/whisper/model_store.h"

namespace yv::paddleocr {

OcrModelFiles ocr_model_files() {
  const auto dir = whisper::default_model_dir() / "ppocr";
  OcrModelFiles files{dir / "det.onnx", dir / "rec.onnx", dir / "rec.keys"};
  for (const auto& path : {files.detector, files.recognizer, files.alphabet}) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      throw Error(
          "model_not_found",
          "the OCR model file " + path.string() + " is missing; scripts/serve or scripts/test install it",
          404);
    }
  }
  return files;
}

}  // namespace yv::paddleocr

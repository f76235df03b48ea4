// The hard-subtitle test videos made by tools/ocr_fixture.py (CTest's ocr_media set-up runs it).
#pragma once

#include <string>

namespace yv::test {

inline std::string ocr_media(const std::string& name) { return std::string(YIVIDEO_OCR_MEDIA) + "/" + name; }

}  // namespace yv::test

// Reader of the diarization networks' weight files (tools/ge2e_convert.py, tools/pyannote_seg_convert.py): a
// four-byte magic, uint32 header fields, then named float32 tensors, each checked against the name and shape
// the network expects, so that a file converted for another layout is refused rather than misread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace yv::diarize {

class WeightFile {
 public:
  // `what` names the network in errors ("speaker encoder"). Throws yv::Error "model_load_failed" (503) when
  // the file cannot be opened or does not start with `magic`.
  WeightFile(const std::filesystem::path& file, std::string what, const char (&magic)[5]);

  uint32_t u32();
  // The next tensor, which must be `name` of `shape`; row-major.
  std::vector<float> tensor(const std::string& name, const std::vector<uint32_t>& shape);
  // Throws "model_load_failed" with `why`; the answer names the file by its name only (the log has the path).
  [[noreturn]] void fail(const std::string& why) const;

 private:
  void read(void* to, size_t bytes);
  std::filesystem::path file_;
  std::string what_;
  std::ifstream in_;
};

}  // namespace yv::diarize

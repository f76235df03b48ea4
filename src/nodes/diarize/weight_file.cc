#include "nodes/diarize/weight_file.h"

#include <spdlog/spdlog.h>

#include <cstring>

#include "core/error.h"

namespace yv::diarize {

WeightFile::WeightFile(const std::filesystem::path& file, std::string what, const char (&magic)[5])
    : file_(file), what_(std::move(what)), in_(file, std::ios::binary) {
  if (!in_) fail("cannot open it (run scripts/serve or scripts/test to convert it)");
  char got[4] = {};
  read(got, sizeof got);
  if (std::memcmp(got, magic, 4) != 0) fail("not a YiVideo " + what_ + " file");
}

uint32_t WeightFile::u32() {
  uint32_t v = 0;
  read(&v, sizeof v);
  return v;
}

std::vector<float> WeightFile::tensor(const std::string& name, const std::vector<uint32_t>& shape) {
  std::string got(u32(), '\0');
  if (got.size() > 256) fail("corrupt tensor name");
  read(got.data(), got.size());
  std::vector<uint32_t> dims(u32());
  if (dims.size() > 4) fail("corrupt tensor shape");
  for (auto& d : dims) d = u32();
  if (got != name || dims != shape) fail("expected tensor " + name + ", found " + got);
  size_t n = 1;
  for (auto d : dims) n *= d;
  std::vector<float> v(n);
  read(v.data(), n * sizeof(float));
  return v;
}

void WeightFile::fail(const std::string& why) const {
  spdlog::error("{} {}: {}", what_, file_.string(), why);
  throw Error("model_load_failed", "cannot load the " + what_ + " " + file_.filename().string() + ": " + why,
              503);
}

void WeightFile::read(void* to, size_t bytes) {
  if (!in_.read(static_cast<char*>(to), std::streamsize(bytes))) fail("truncated");
}

}  // namespace yv::diarize

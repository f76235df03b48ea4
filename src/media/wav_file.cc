#include "media/wav_file.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>

#include "core/error.h"

namespace yv::media {
namespace {

void put16(std::ofstream& out, uint16_t v) {
  const char b[2] = {char(v & 0xff), char(v >> 8)};
  out.write(b, 2);
}

void put32(std::ofstream& out, uint32_t v) {
  put16(out, uint16_t(v & 0xffff));
  put16(out, uint16_t(v >> 16));
}

}  // namespace

void write_wav(const std::filesystem::path& path, const Audio& audio) {
  const auto partial = path.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    const uint32_t data_bytes = uint32_t(audio.samples.size() * 2);
    out.write("RIFF", 4);
    put32(out, 36 + data_bytes);
    out.write("WAVEfmt ", 8);
    put32(out, 16);  // fmt chunk size
    put16(out, 1);   // PCM
    put16(out, 1);   // mono
    put32(out, uint32_t(audio.sample_rate));
    put32(out, uint32_t(audio.sample_rate) * 2);  // byte rate
    put16(out, 2);                                // block align
    put16(out, 16);                               // bits per sample
    out.write("data", 4);
    put32(out, data_bytes);
    for (float s : audio.samples)
      put16(out, uint16_t(int16_t(std::lround(std::clamp(s, -1.0f, 1.0f) * 32767))));
    if (!out.flush()) throw Error("storage_error", "cannot write " + partial, 503);
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) throw Error("storage_error", "cannot write " + path.string() + ": " + ec.message(), 503);
}

}  // namespace yv::media

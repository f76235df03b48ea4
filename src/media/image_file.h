// Writing one picture as a JPEG or PNG file with FFmpeg's own encoders (mjpeg, png), so that the video nodes
// need no image library besides the libav they decode with. The file appears whole or not at all (written to
// "<path>.partial", then renamed).
#pragma once

#include <cstdint>
#include <filesystem>

namespace yv::media {

// A packed 8-bit BGR picture (rows of width * 3 bytes), as media/video_frames.h delivers.
struct BgrImage {
  int width = 0;
  int height = 0;
  const uint8_t* bgr = nullptr;
  int stride = 0;  // bytes from one row to the next; width * 3 for a packed picture
};

// Writes `image` to `path` as JPEG (quality ~95) when the name ends in .jpg/.jpeg, else as PNG (lossless).
// Throws yv::Error "storage_error" (507) when the file cannot be written.
void write_image(const std::filesystem::path& path, const BgrImage& image);

}  // namespace yv::media

#include "nodes/ffmpeg/text_strokes.h"

#include <algorithm>

namespace yv::ffmpeg {
namespace {

// For each pixel of a line of `n` (stepping `step` through `dark`), whether a dark pixel is within `reach`
// before it (`forward`) or after it: the distance to the last dark pixel seen, scanning that way.
void near_dark(const uint8_t* dark, int n, size_t step, int reach, bool forward, uint8_t* out) {
  int since = reach + 1;
  for (int k = 0; k < n; ++k) {
    const size_t i = size_t(forward ? k : n - 1 - k) * step;
    out[i] = since <= reach;
    since = dark[i] ? 1 : since + 1;
  }
}

}  // namespace

TextStrokes::TextStrokes(const media::BgrImage& band, int reach, int block, int min_text)
    : width_(band.width), height_(band.height), block_(block), min_text_(min_text) {
  const size_t n = size_t(width_) * size_t(height_);
  std::vector<uint8_t> dark(n), luma(n);
  for (int y = 0; y < height_; ++y) {
    const uint8_t* p = band.bgr + size_t(y) * size_t(band.stride);
    for (int x = 0; x < width_; ++x, p += 3) {
      const size_t i = size_t(y) * size_t(width_) + size_t(x);
      dark[i] = std::max({p[0], p[1], p[2]}) <= kOutlineLevel;
      luma[i] = uint8_t((29 * p[0] + 150 * p[1] + 77 * p[2]) >> 8);
    }
  }
  // Outline on both sides: left and right, or above and below.
  std::vector<uint8_t> before(n), after(n), across(n), down(n);
  for (int y = 0; y < height_; ++y) {
    const size_t row = size_t(y) * size_t(width_);
    near_dark(&dark[row], width_, 1, reach, true, &before[row]);
    near_dark(&dark[row], width_, 1, reach, false, &after[row]);
  }
  for (size_t i = 0; i < n; ++i) across[i] = before[i] & after[i];
  for (int x = 0; x < width_; ++x) {
    near_dark(&dark[size_t(x)], height_, size_t(width_), reach, true, &before[size_t(x)]);
    near_dark(&dark[size_t(x)], height_, size_t(width_), reach, false, &after[size_t(x)]);
  }
  level_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const bool enclosed = across[i] || (before[i] & after[i]);
    level_[i] = !enclosed ? 0 : luma[i] >= kStrokeLuma ? 2 : luma[i] >= kFaintLuma ? 1 : 0;
    strokes_ += level_[i] == 2;
  }
}

bool TextStrokes::same_text(const TextStrokes& other) const {
  for (int by = 0; by < height_; by += block_) {
    for (int bx = 0; bx < width_; bx += block_) {
      int changed = 0, mine = 0, theirs = 0;
      for (int y = by; y < std::min(by + block_, height_); ++y) {
        for (int x = bx; x < std::min(bx + block_, width_); ++x) {
          const size_t i = size_t(y) * size_t(width_) + size_t(x);
          const uint8_t a = level_[i], b = other.level_[i];
          mine += a == 2;
          theirs += b == 2;
          changed += (a == 2 && b == 0) || (b == 2 && a == 0);
        }
      }
      // The block's own size keeps a few changed pixels in a nearly empty block from counting.
      if (changed > kChangedShare * (std::max(mine, theirs) + block_)) return false;
    }
  }
  return true;
}

}  // namespace yv::ffmpeg

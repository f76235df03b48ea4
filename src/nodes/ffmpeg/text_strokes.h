// The outlined text of a subtitle band, as a mask of its strokes, to tell whether two frames show the same
// subtitle while the picture behind it moves.
//
// Burnt-in subtitles are drawn to be read over any picture: light strokes edged in black (an outline, a
// shadow, a box). A stroke pixel here is a light pixel (luma >= kStrokeLuma) with a black pixel (every
// channel <= kOutlineLevel) within `reach` pixels on both sides of it, left and right or above and below: the
// inside of an outlined stroke. Background seldom has that shape (a light edge against black has black on one
// side only), so the mask holds the text and little else, and it stays put while the background moves, where
// a pixel comparison of the band sees every frame as new. Two masks show the same text when no block of
// `block` x `block` pixels (about a character) differs in more than kChangedShare of the strokes either has
// there; one changed character is most of its block. A pixel counts as changed only when it is a stroke in
// one mask and not even faintly one (luma >= kFaintLuma with the outline around it) in the other, so
// compression noise at the thresholds does not count.
//
// Text without a dark edge leaves the mask (nearly) empty: has_text() says whether there is enough to go by,
// and the caller compares such frames another way.
#pragma once

#include <cstdint>
#include <vector>

#include "media/image_file.h"

namespace yv::ffmpeg {

inline constexpr int kStrokeLuma = 190;
inline constexpr int kFaintLuma = 150;
inline constexpr int kOutlineLevel = 60;
inline constexpr double kChangedShare = 0.3;

class TextStrokes {
 public:
  // `reach`: how far (pixels) the outline may be from a stroke pixel, about half a stroke plus its outline;
  // `block`: the comparison's block side, about a character; `min_text`: the strokes (pixels) that make a
  // subtitle (has_text()).
  TextStrokes(const media::BgrImage& band, int reach, int block, int min_text);

  bool has_text() const { return strokes_ >= min_text_; }

  // REQUIRES: `other` made from a band of the same size with the same settings.
  bool same_text(const TextStrokes& other) const;

 private:
  int width_, height_, block_, min_text_;
  int strokes_ = 0;
  std::vector<uint8_t> level_;  // per pixel: 0 background, 1 faint stroke, 2 stroke
};

}  // namespace yv::ffmpeg

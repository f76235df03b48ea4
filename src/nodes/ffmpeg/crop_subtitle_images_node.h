// Node ffmpeg.crop_subtitle_images: the subtitle band of a video's frames, as PNG files, for the OCR nodes.
//
// Every frame is decoded in order and taken (or, with sample_fps, the first frame of each 1 / sample_fps);
// a frame that shows what the last crop written shows writes no file but extends that crop's time span, so
// the OCR nodes read each subtitle once and the spans still cover the video. "Shows the same" is decided by
// the text, not the picture (text_strokes.h): while both frames hold outlined text, the same strokes are the
// same crop however the background behind them moves, and a changed stroke mask starts a crop on its frame,
// so subtitle times stay exact to the frame. Frames with no outlined text (no subtitle, or text without a
// dark edge) are the same crop when their band is the same picture (no kBlock x kBlock block differing by
// more than kSameCrop levels on average: a static scene, compression noise aside) or less than
// kStrokelessSeconds (the shortest subtitle) after the last crop: a moving background without subtitles is
// read 5 times a second instead of every frame, and a subtitle without an outline is found within that.
//
// One reading of a subtitle is one chance for OCR to slip (a glyph-like patch of the background read as a
// line, a doubled character) with no other frame to outvote it, so a crop whose outlined text stays at least
// kRereadSeconds is read again: the frames nearest its middle and its last one are written beside it as
// "rereads" (not when their band is the crop's own picture, as in a still scene), and the OCR results are
// voted over the three (paddleocr/reading_vote.h). The background differs between them, the text does not.
// The middle is found without holding the crop's frames: the band is sampled every `stride` frames, and when
// kRereadSamples are held every other one is dropped and the stride doubled, so the sample nearest the middle
// is within a stride of it.
//
// The folder holds crop_<frame number>.png (6 digits) and crops.json:
//   {"fps", "frame_width", "frame_height", "subtitle_area": [x1, y1, x2, y2], "orientation",
//    "crops": [{"file", "index", "start", "end", "rereads": [{"file", "index"}, ...]}, ...]}
//   (times in seconds; end = where the next crop starts; "rereads" only on crops that have them)
// "orientation" ("horizontal" | "vertical", the parameter, usually paddleocr.detect_subtitle_area's output)
// does not change the crops; it tells the stitching and OCR how the text in them runs.
// An area that is not inside the frame is `invalid_parameter` (400), media without video `no_video_stream`.
#pragma once

#include <cstddef>

#include "engine/node_registry.h"

namespace yv::ffmpeg {

inline constexpr double kSameCrop = 4.0;
inline constexpr int kBlock = 16;
inline constexpr double kStrokelessSeconds = 0.2;
inline constexpr double kRereadSeconds = 0.5;
inline constexpr size_t kRereadSamples = 16;

engine::NodeSpec crop_subtitle_images_node();

}  // namespace yv::ffmpeg

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
// The folder
// holds crop_<frame number>.png (6 digits) and crops.json:
//   {"fps", "frame_width", "frame_height", "subtitle_area": [x1, y1, x2, y2], "orientation",
//    "crops": [{"file", "index", "start", "end"}, ...]}   (times in seconds; end = where the next crop
//    starts)
// "orientation" ("horizontal" | "vertical", the parameter, usually paddleocr.detect_subtitle_area's output)
// does not change the crops; it tells the stitching and OCR how the text in them runs.
// An area that is not inside the frame is `invalid_parameter` (400), media without video `no_video_stream`.
#pragma once

#include "engine/node_registry.h"

namespace yv::ffmpeg {

inline constexpr double kSameCrop = 4.0;
inline constexpr int kBlock = 16;
inline constexpr double kStrokelessSeconds = 0.2;

engine::NodeSpec crop_subtitle_images_node();

}  // namespace yv::ffmpeg

// Node ffmpeg.extract_keyframes: evenly spaced pictures of a video, as JPEG files, for
// paddleocr.detect_subtitle_area to find where the subtitles are.
//
// Sample i of n is the frame on screen at (i + 0.5) / n of the duration: the middles of n equal spans, so the
// first and last seconds (often titles or black) weigh no more than any other. Each sample is reached by
// seeking (media/video_frames.h), so the cost is n groups of pictures, not the whole video. A video shorter
// than n frames gives each frame once. Files are named keyframe_<frame number>.jpg (6 digits, zero-padded),
// so their names sort in time order. Media without a video stream is `no_video_stream`.
#pragma once

#include "engine/node_registry.h"

namespace yv::ffmpeg {

engine::NodeSpec extract_keyframes_node();

}  // namespace yv::ffmpeg

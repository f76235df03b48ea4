// Node paddleocr.create_stitched_images: the subtitle crops stacked into tall images, batch_size crops each,
// so that text detection runs once per stitched image instead of once per crop (the network's fixed cost per
// run is paid batch_size times less; the original PaddleOCR pipeline does the same).
//
// Crops of horizontal subtitles are stacked top to bottom in time order with a black gap of a quarter crop
// height (at least 8 pixels) between them, so that no detected line spans two crops; crops of vertical
// subtitles (crops.json's "orientation"; horizontal when absent), tall and narrow, are placed side by side,
// left to right, with a gap of a quarter crop width, for the same reason. A crop's rereads (other frames of
// the same text, crops.json) follow it as crops of their own that name it in "reading_of" and carry its time
// span. The folder holds stitched_<n>.png (4 digits) and manifest.json, which says where each crop is:
//   {"fps", "frame_width", "frame_height", "subtitle_area": [x1, y1, x2, y2], "orientation",
//    "images": [{"file", "crops": [{"index", "start", "end", "x", "y", "width", "height",
//                                   "reading_of" (rereads only: the index of the crop they read again)},
//                                  ...]}, ...]}
// Input is ffmpeg.crop_subtitle_images' folder (its crops.json); a folder without one is `invalid_input`.
#pragma once

#include "engine/node_registry.h"

namespace yv::paddleocr {

engine::NodeSpec create_stitched_images_node();

}  // namespace yv::paddleocr

// Node paddleocr.perform_ocr: text detection and recognition on each stitched image of
// paddleocr.create_stitched_images, mapped back to the frames its crops came from.
//
// A detected line belongs to the crop its centre falls in (the gaps between crops keep lines from spanning
// two), is clipped to that crop and recognised. Lines are listed as found, row by row and left to right (the
// detector splits a row at wide spaces; postprocess_and_finalize joins them once it has dropped what was
// read without confidence). With the manifest's "orientation" "vertical", each line is a column, turned
// into a horizontal line of its characters (vertical_text.h) before recognition, and columns are listed
// right to left, the order vertical text is read in. The results file, ocr_results.json beside the manifest's
// images in this run's folder, lists every crop, read or not, so that the next stage sees gaps; a crop's
// rereads (manifest "reading_of") are listed with it, for the next stage to vote over:
//   {"fps", "subtitle_area", "orientation", "frames": [{"index", "start", "end",
//     "lines": [{"text", "confidence", "box": [x1, y1, x2, y2]}, ...],
//     "rereads": [{"index", "lines": [...]}, ...] (crops read again only)}, ...]}   (boxes in frame pixels)
// A manifest that is not create_stitched_images' is `invalid_input`.
#pragma once

#include "engine/node_registry.h"

namespace yv::paddleocr {

engine::NodeSpec perform_ocr_node();

}  // namespace yv::paddleocr

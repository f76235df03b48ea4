// Node paddleocr.postprocess_and_finalize: the per-frame OCR results of paddleocr.perform_ocr turned into
// subtitle events (subtitle_events.h) and written as SRT and JSON. Lines read with less than min_confidence
// are dropped first, then the pieces of one row are joined (with a space between Latin letters only), and a
// crop read more than once (its "rereads") gets the text its readings vote for (reading_vote.h).
//
// The files are named after the video (<stem>.srt, <stem>.json; "subtitles" without a video path). The JSON
// is [{"start", "end", "text"}, ...] with times in seconds and lines joined by "\n". A video without
// subtitles gives empty files and a count of 0. Input that is not perform_ocr's results is `invalid_input`.
#pragma once

#include "engine/node_registry.h"

namespace yv::paddleocr {

engine::NodeSpec postprocess_and_finalize_node();

}  // namespace yv::paddleocr

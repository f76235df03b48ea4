// Node paddleocr.detect_subtitle_area: where a video's subtitles are, from the keyframes of
// ffmpeg.extract_keyframes (every *.jpg of keyframe_dir).
//
// Text is detected in each keyframe scaled to 360 rows (subtitle text stays 18 pixels or more high there) and
// the band is chosen by find_subtitle_area (subtitle_area.h). `subtitle_area` is [x1, y1, x2, y2] in frame
// pixels (x2, y2 exclusive), ready for ffmpeg.crop_subtitle_images; `subtitle_area_found` is false when no
// keyframe held centred text (the band is then the bottom quarter, and a video without subtitles gives no
// events downstream). A folder without keyframes is `no_keyframes` (400), a missing one `file_not_found`.
#pragma once

#include "engine/node_registry.h"

namespace yv::paddleocr {

engine::NodeSpec detect_subtitle_area_node();

}  // namespace yv::paddleocr

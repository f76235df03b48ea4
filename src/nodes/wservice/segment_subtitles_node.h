// wservice.segment_subtitles: a text cut into subtitle segments by sentence and clause (sentences.h), timed
// when word timings come with it (align.h).
//
// The text is subtitle_text, else the file subtitle_file (plain text; SRT, VTT or ASS, whose cues time it;
// or segments JSON), else the segments of segments_data / segments_file (by default the transcription's).
// The timings are `words`, else those of the segments read.
#pragma once

#include "engine/node_registry.h"

namespace yv::wservice {

engine::NodeSpec segment_subtitles_node();

}  // namespace yv::wservice

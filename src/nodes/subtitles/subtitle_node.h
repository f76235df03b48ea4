// Node wservice.generate_subtitle_files: subtitle files from a transcription's segments file, with speaker
// labels when a diarization file is given, re-segmented on word timings to the style guide's limits when
// enable_optimization is on (nodes.md). Named after the original system's wservice so users' chains keep
// working.
#pragma once

#include "engine/node_registry.h"

namespace yv::subtitles {

engine::NodeSpec subtitle_node();

}  // namespace yv::subtitles

// pyannote_audio.get_speaker_segments: the turns of one speaker of a diarization (JSON or RTTM), or all of
// them with statistics per speaker.
#pragma once

#include "engine/node_registry.h"

namespace yv::diarize {

engine::NodeSpec speaker_segments_node();

}  // namespace yv::diarize

// Node pyannote_audio.diarize_speakers: who spoke when (diarizer.h), under the original system's name so that
// users' chains keep working; no pyannote inside.
//
// Decodes `audio_path` (or `video_path`) whole at 16 kHz mono (3.8 MB a minute), loads the speaker encoder
// once per worker process, and writes diarization.json ({"segments":[{start,end,speaker}], "speakers",
// "speaker_count", "talk_time", "duration"}) and diarization.rttm into the run's directory. Speaker counts:
// `speaker_count` (or its alias `num_speakers`) fixes the count; otherwise it is found within [min_speakers,
// max_speakers].
#pragma once

#include "engine/node_registry.h"

namespace yv::diarize {

engine::NodeSpec diarize_node();

}  // namespace yv::diarize

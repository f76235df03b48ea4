// wservice.prepare_tts_segments: transcript segments merged into speech segments for dubbing
// (tts_segments.h). The segments come from segments_data, else segments_file: by default the latest earlier
// stage's, which is the latest of merge_with_word_timestamps, merge_speaker_segments,
// rebuild_subtitle_with_words, segment_subtitles (timed) and the transcription, since each of them outputs a
// segments_file. The subtitle node's word-level JSON is read too, when named (its json_path).
#pragma once

#include "engine/node_registry.h"

namespace yv::wservice {

engine::NodeSpec prepare_tts_segments_node();

}  // namespace yv::wservice

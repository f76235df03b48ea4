// ffmpeg.split_audio_segments: the audio cut into one file per subtitle cue or transcript segment, grouped in
// a folder per speaker when asked, with split_info.json describing every file.
//
// The audio is read once, as a stream: each piece's writer is open only while the stream is inside it, so
// memory does not grow with the length of the audio (pieces may overlap; at most kMaxOpen at one instant).
// Pieces shorter than min_segment_duration are skipped; longer than max_segment_duration, cut into equal
// parts within it. include_silence also writes the gaps between pieces (at least min_segment_duration long)
// as files of their own, marked "silence".
#pragma once

#include "engine/node_registry.h"

namespace yv::ffmpeg {

engine::NodeSpec split_audio_segments_node();

}  // namespace yv::ffmpeg

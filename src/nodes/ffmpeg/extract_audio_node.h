// Node ffmpeg.extract_audio: the audio track of any media FFmpeg reads, as a 16-bit mono WAV file.
//
// The first milestone of nodes.md's extract_audio: decoding with libav* in-process (media/audio_decoder.h),
// resampling to `sample_rate`, optional start/end trim. Other output formats (flac, mp3, m4a), more than one
// channel and streaming output for very long inputs come with the nodes issue; asking for them is a clear 400
// today, never a silently different file.
#pragma once

#include "engine/node_registry.h"

namespace yv::ffmpeg {

engine::NodeSpec extract_audio_node();

}  // namespace yv::ffmpeg

// Node ffmpeg.extract_audio: the audio of any media FFmpeg reads, as WAV (16-bit PCM), FLAC, MP3 or M4A
// (AAC).
//
// Decoding, resampling and encoding stream block by block in-process (media/audio_decoder.h,
// media/audio_writer.h), so memory does not grow with the input's length; the file appears whole or not at
// all. Start/end cut exactly (the stream is decoded from its start). Broken media is `invalid_media`, media
// without (the chosen) audio stream `no_audio_stream`.
#pragma once

#include "engine/node_registry.h"

namespace yv::ffmpeg {

engine::NodeSpec extract_audio_node();

}  // namespace yv::ffmpeg

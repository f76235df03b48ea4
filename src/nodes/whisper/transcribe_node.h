// Node faster_whisper.transcribe_audio: Whisper speech recognition with whisper.cpp.
//
// Named after the original system's faster-whisper service so that users' chains keep working. It decodes
// `audio_path` (or, when no audio was extracted first, `video_path`) itself, loads the model once per process
// and reuses it, and writes the segments file (faster-whisper's JSON shape, with word timings) into the run's
// directory.
#pragma once

#include "engine/node_registry.h"

namespace yv::whisper {

engine::NodeSpec transcribe_node();

}  // namespace yv::whisper

// audio_separator.separate_vocals: a recording split into its voice and everything else (the accompaniment),
// the original's node and outputs, on Deezer's Spleeter 2-stems U-Nets (MIT) run by sherpa-onnx.
//
// - Input: `audio_path` (given, or an earlier stage's, as ffmpeg.extract_audio's), else the workflow's
//   `video_path`. extract_audio's default output is 16 kHz mono for speech recognition, which leaves Spleeter
//   nothing above 8 kHz: give the video (or a full-rate audio_path) when the stems are to be heard.
// - The audio is decoded at 44.1 kHz (Spleeter's rate), mono duplicated onto both channels (the U-Nets take
//   stereo), more than two channels downmixed, and streamed through overlapping 12 s windows
//   (streaming_separation.h), so memory does not grow with the length. `quality_mode` chooses the overlap:
//   fast 0.19 s margins and a 0.25 s crossfade (5% of the work repeated), default 1 s and 1 s (33%),
//   high_quality 2 s and 1.5 s (85%).
// - `enhance_vocals` (default true) runs the vocal stem through GTCRN speech enhancement as it streams out
//   (vocal_enhancement.h), which removes much of the music Spleeter leaves in the voice and band-limits it to
//   8 kHz; the accompaniment is Spleeter's either way. Reported as `vocal_enhancement`: "gtcrn" or "none".
// - Output: vocals.<format> and accompaniment.<format> (flac by default) at 44.1 kHz with the input's
// channels
//   (one or two). They appear only when both are complete: a failure or cancellation leaves neither.
// - The original chose among UVR/Demucs models by `model_type` / `model_name`; only Spleeter 2-stems is
//   installed, so those parameters accept its names and are refused (400) otherwise.
#pragma once

#include "engine/node_registry.h"

namespace yv::audio_separator {

engine::NodeSpec separate_vocals_node();

}  // namespace yv::audio_separator

// Where the separation networks live and the one loaded copy of them: Spleeter's two U-Nets, converted by the
// set-up (tools/spleeter_to_onnx.py, scripts/lib/deps.sh yv_ensure_separation_models) into spleeter/ of the
// model directory ($YIVIDEO_MODEL_DIR). The node and its tests ask here and never know where files came from.
#pragma once

#include "sherpa/source_separation.h"

namespace yv::audio_separator {

// The files in <model dir>/spleeter, with as many threads as the machine has cores (at most 8). Throws
// yv::Error "model_not_found" (404) naming the missing file and the commands that install it.
sherpa::SpleeterOptions spleeter_files();

// Loaded on first use and kept for the life of the process, as the other models are. Errors as
// spleeter_files() and sherpa::SourceSeparation's.
const sherpa::SourceSeparation& spleeter();

}  // namespace yv::audio_separator

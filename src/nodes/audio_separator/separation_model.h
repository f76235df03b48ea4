// Where the separation networks live and the one loaded copy of them: Spleeter's two U-Nets, converted by the
// set-up (tools/spleeter_to_onnx.py, scripts/lib/deps.sh yv_ensure_separation_models) into spleeter/ of the
// model directory ($YIVIDEO_MODEL_DIR), and the GTCRN network that enhances the vocal stem
// (tools/gtcrn_metadata.py, yv_ensure_enhancement_model) in gtcrn/. The node and its tests ask here and never
// know where files came from.
#pragma once

#include "sherpa/source_separation.h"
#include "sherpa/speech_denoiser.h"

namespace yv::audio_separator {

// The files in <model dir>/spleeter, with as many threads as the machine has cores (at most 8). Throws
// yv::Error "model_not_found" (404) naming the missing file and the commands that install it.
sherpa::SpleeterOptions spleeter_files();

// Loaded on first use and kept for the life of the process, as the other models are. Errors as
// spleeter_files() and sherpa::SourceSeparation's.
const sherpa::SourceSeparation& spleeter();

// The file in <model dir>/gtcrn. Throws "model_not_found" (404) like spleeter_files(). Not loaded here: a
// denoiser is one stream, so each use makes its own (the network is 0.5 MB and loads in milliseconds).
sherpa::DenoiserOptions gtcrn_files();

}  // namespace yv::audio_separator

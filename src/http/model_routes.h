// GET /v1/models: the Whisper models this server can use and the ones it can get (nodes/whisper/
// model_catalogue.h), so that a client chooses a model and language that a submit will accept.
#pragma once

#include "http/router.h"

namespace yv::http {

// The catalogue of the model directory ($YIVIDEO_MODEL_DIR), read at each request: models installed or
// removed with `yivideo models` show at once.
void add_model_routes(Router& router);

}  // namespace yv::http

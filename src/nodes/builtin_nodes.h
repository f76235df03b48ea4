// Every node compiled into this binary. The one place that lists them; the registry serves everything else.
#pragma once

#include "engine/node_registry.h"

namespace yv {

// Time limits may be changed per node by $YIVIDEO_NODE_TIMEOUTS, "node=seconds,node=seconds" (e.g. for long
// inputs on slow machines), and the queue (resource class) a node is claimed from by $YIVIDEO_NODE_QUEUES,
// "node=queue,..." (e.g. "faster_whisper.transcribe_audio=gpu" to send it to GPU workers); unknown names and
// malformed entries are errors (yv::Error "invalid_config").
engine::NodeRegistry builtin_nodes();

}  // namespace yv

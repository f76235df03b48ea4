// Every node compiled into this binary. The one place that lists them; the registry serves everything else.
#pragma once

#include "engine/node_registry.h"

namespace yv {

// Time limits may be changed per node by $YIVIDEO_NODE_TIMEOUTS, "node=seconds,node=seconds" (e.g. for long
// inputs on slow machines); unknown names and malformed entries are errors (yv::Error "invalid_config").
engine::NodeRegistry builtin_nodes();

}  // namespace yv

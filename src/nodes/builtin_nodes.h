// Every node compiled into this binary. The one place that lists them; the registry serves everything else.
#pragma once

#include "engine/node_registry.h"

namespace yv {

engine::NodeRegistry builtin_nodes();

}  // namespace yv

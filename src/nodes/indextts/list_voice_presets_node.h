// Node indextts.list_voice_presets: the voices generate_speech accepts as `voice`, with what each speaks.
#pragma once

#include "engine/node_registry.h"

namespace yv::indextts {

engine::NodeSpec list_voice_presets_node();

}  // namespace yv::indextts

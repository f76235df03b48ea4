// Node indextts.list_voice_presets: the voices generate_speech accepts as `voice`, with what each speaks;
// with `language`, only those that speak it (an empty list: generate_speech refuses that language).
#pragma once

#include "engine/node_registry.h"

namespace yv::indextts {

engine::NodeSpec list_voice_presets_node();

}  // namespace yv::indextts

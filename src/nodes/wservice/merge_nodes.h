// wservice.merge_speaker_segments (a speaker per transcript segment) and wservice.merge_with_word_timestamps
// (a speaker per word, segments split where the speaker changes).
#pragma once

#include "engine/node_registry.h"

namespace yv::wservice {

engine::NodeSpec merge_speaker_segments_node();
engine::NodeSpec merge_with_word_timestamps_node();

}  // namespace yv::wservice

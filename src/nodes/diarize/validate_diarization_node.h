// pyannote_audio.validate_diarization: what is wrong or doubtful in a diarization (JSON or RTTM).
//
// Errors (the diarization is not valid): no turns, a turn of no length, turns out of time order, a speaker
// overlapping their own turn. Warnings (valid, but worth a look): turns of different speakers that overlap
// (real in conversation, a diarizer's mistake as often), turns shorter than min_turn_duration, gaps longer
// than max_gap, and a speaker with a single short turn (often noise given a label of its own).
#pragma once

#include "engine/node_registry.h"

namespace yv::diarize {

engine::NodeSpec validate_diarization_node();

}  // namespace yv::diarize

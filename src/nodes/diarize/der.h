// Diarization error rate, by the standard definition (NIST md-eval): the time of missed speech, false alarm
// and speaker confusion over the total reference speech time, with hypothesis speakers mapped one-to-one to
// reference speakers so that they overlap the most (Hungarian method). Overlapping speech counts once per
// speaker: two reference speakers at once make 2 s of reference speech per second.
#pragma once

#include <vector>

#include "nodes/diarize/turns.h"

namespace yv::diarize {

struct DerResult {
  double reference_speech = 0;                        // seconds of scored reference speech (per speaker)
  double missed = 0, false_alarm = 0, confusion = 0;  // seconds
  double der() const {
    return reference_speech > 0 ? (missed + false_alarm + confusion) / reference_speech : 0;
  }
};

// `collar` seconds either side of every reference turn's start and end are not scored (0.25 is customary:
// people disagree about where a turn starts by about that much).
DerResult diarization_error(const std::vector<Turn>& reference, const std::vector<Turn>& hypothesis,
                            double collar = 0);

// The assignment of rows to columns that maximises the summed score (Hungarian method, O(n^3)):
// result[row] = column, or -1 when the row was left unassigned (more rows than columns).
std::vector<int> best_assignment(const std::vector<std::vector<double>>& score);

}  // namespace yv::diarize

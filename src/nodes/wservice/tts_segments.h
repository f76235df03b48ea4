// Speech segments for dubbing: consecutive transcript segments of one speaker merged while the pause between
// them is short and the whole stays short enough for one synthesis call; a segment longer than that is cut
// between its words.
#pragma once

#include <vector>

#include "nodes/wservice/segments.h"

namespace yv::wservice {

struct TtsLimits {
  double max_duration = 10.0;
  double max_gap = 1.0;  // the longest pause inside a segment
};

struct TtsSegment {
  Segment segment;
  std::vector<size_t> sources;  // indices of the transcript segments it holds (any part of)
};

// The segments in time order, merged: the next segment joins the current one when it has the same speaker
// (or either has none), starts at most max_gap after it ends and the two together last at most max_duration.
// A segment longer than max_duration is first cut between its words into pieces within it (one without word
// timings is kept whole: its text cannot be cut by time). Merging is greedy, so a segment ends short only
// where a long pause, a speaker change or the limit comes next.
std::vector<TtsSegment> prepare_tts(const std::vector<Segment>& segments, const TtsLimits& limits);

}  // namespace yv::wservice

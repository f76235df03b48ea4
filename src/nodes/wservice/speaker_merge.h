// Who says each part of a transcript: speaker turns from a diarization joined to transcript segments, by
// segment or by word.
#pragma once

#include <vector>

#include "nodes/diarize/turns.h"
#include "nodes/wservice/segments.h"

namespace yv::wservice {

struct SpeakerShare {
  std::optional<std::string> speaker;
  double share = 0;  // of the segment's time that this speaker's turns cover (0: nearest turn, no overlap)
};

// The speaker who talks longest within [start, end] (turns summed per speaker), else the nearest turn
// within half a second (subtitles::speaker_of), else none.
SpeakerShare main_speaker(const std::vector<diarize::Turn>& turns, double start, double end);

// Every segment labelled with its main speaker, its words with the same one; the segments stay as they
// are. Returns each segment's share, in order.
std::vector<double> label_segments(std::vector<Segment>& segments, const std::vector<diarize::Turn>& turns);

// Every word labelled with its own speaker, and each segment split where the speaker changes (a sentence
// two people share becomes two segments, each timed by its own words). A word no turn reaches takes the
// speaker of the word before it (the first ones, of the first labelled word). Within a segment, a run of one
// speaker's words lasting under half a second joins the run before it (the first, the run after): turn
// edges are a few frames off the words', and a cue is not split for a word. REQUIRES: every segment has
// words.
std::vector<Segment> split_by_speaker(const std::vector<Segment>& segments,
                                      const std::vector<diarize::Turn>& turns);

}  // namespace yv::wservice

// One text from several readings of the same subtitle: a crop and its rereads, other frames of the same
// outlined text over another piece of background (ffmpeg/crop_subtitle_images_node.h).
//
// With one reading per subtitle, one slip is final: a glyph-like patch of a moving background read as a line
// of its own ('07' over a checkerboard), a doubled character. Readings of the same text over different
// backgrounds seldom slip alike, so they are voted: the text that most readings agree on wins when it is a
// majority (readings of nothing included: a subtitle most frames do not show confidently is not taken from
// one). Without a majority, two readings cannot outvote each other and the more confident one is taken;
// three or more (none of them empty) are voted character by character: each is aligned with the medoid, the
// reading closest to all others in edit distance, and each of the medoid's characters is kept, replaced or
// dropped as the readings' confidence-weighted majority has it there. A reading's confidence is its least
// confident line's.
#pragma once

#include <vector>

#include "nodes/paddleocr/subtitle_events.h"

namespace yv::paddleocr {

// REQUIRES: `readings` not empty, all of one time span (the first one's is the result's). The lines are the
// winner's (the medoid's line breaks for a character vote), with its confidences.
FrameText vote(const std::vector<FrameText>& readings);

}  // namespace yv::paddleocr

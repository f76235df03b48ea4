// Guards against Whisper's repetition loops ("Thank you. Thank you. Thank you. ..."), the hallucination that
// conditioning on the previous text feeds: once a window ends in a loop, the loop becomes the next window's
// context.
//
// whisper.cpp already re-decodes a 30 s window at a higher temperature when its tokens' entropy is low. These
// checks work on whole chunks (long_form.h), across windows, the way faster-whisper's compression-ratio check
// does: a text that zlib shrinks by more than `threshold` is repeating itself.
#pragma once

#include <string_view>
#include <vector>

#include "nodes/whisper/transcript.h"

namespace yv::whisper {

// faster-whisper's compression_ratio_threshold default.
inline constexpr double kCompressionRatioThreshold = 2.4;

// Bytes of `text` over the bytes of its zlib compression (faster-whisper's definition); 0 for empty text.
double compression_ratio(std::string_view text);

// True when the text of any of Whisper's 30 s windows (segments grouped by start time) compresses by more
// than `threshold`. Per window, as faster-whisper checks: over a whole minute, speech that merely comes back
// (a refrain, a looped test recording) would compress like a loop.
bool looping(const Transcript& t, double threshold = kCompressionRatioThreshold);

// A loop inside one segment: the same piece of 1 to kMaxLoopUnit characters (code points), said
// kMinLoopRepeats times or more in a row and spanning at least kMinLoopLength characters ("弓弓弓弓…",
// "4-4-4-4-…", "Thank you. Thank you. …"). The zlib ratio finds such loops but cannot say where they are, and
// a CJK loop can fill a segment by itself, so neither re-decoding nor dropping repeated segments removes it.
inline constexpr int kMaxLoopUnit = 16;
inline constexpr int kMinLoopRepeats = 5;
inline constexpr int kMinLoopLength = 12;

// Cuts every loop in `text` down to its first occurrence (the shortest repeating piece is the one kept, so
// "哈哈哈…" keeps one 哈). Returns a mask with one entry per byte of `text`, true for the bytes kept.
std::vector<bool> loop_free_bytes(std::string_view text);

// Applies loop_free_bytes to a segment: to its words' text when it has words (a word left empty is dropped
// and the text is rebuilt from the words kept), else to its text. Returns whether anything was cut.
bool cut_loops(Segment& segment);

// Keeps the first two of every run of consecutive segments with the same text (case, spaces and punctuation
// ignored) and drops the rest: a person may say "Yes. Yes." but not the same sentence five times over.
void drop_repeated_segments(std::vector<Segment>& segments);

}  // namespace yv::whisper

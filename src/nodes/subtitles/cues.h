// Subtitle cues from timed words: re-segmentation and line breaking to the limits of a timed-text style
// guide.
//
// Input is the transcription's words (each with its own leading space, as Whisper writes them; CJK words have
// none). Cues are built greedily: a word joins the current cue unless that would exceed the characters a cue
// may hold (max_chars_per_line x max_lines), its maximum duration, or its reading speed (max_cps); a sentence
// end, a long pause or a speaker change also close a cue. Each cue's text is then broken into at most
// max_lines lines, at the word boundary that balances the lines best. Finally the timing is adjusted: a cue
// shorter than min_duration is extended into the silence after it, and consecutive cues keep at least min_gap
// between them. Lengths are counted in Unicode code points.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace yv::subtitles {

struct Word {
  double start = 0, end = 0;
  std::string text;                    // with its leading space, if any
  std::optional<std::string> speaker;  // from a diarization, when one ran
};

struct Limits {
  int max_chars_per_line = 42;
  int max_lines = 2;
  double max_cps = 20;          // characters per second
  double min_duration = 0.833;  // seconds
  double max_duration = 7.0;
  double min_gap = 0.08;  // two frames at 25 fps

  // The style guide's figures for a language: CJK languages (zh, ja, ko) get 16 characters per line and
  // 9 characters per second; everything else the Latin figures above.
  static Limits for_language(const std::string& language);
};

struct Cue {
  double start = 0, end = 0;
  std::vector<std::string> lines;
  std::vector<Word> words;
  std::optional<std::string> speaker;  // the speaker of most of its words
};

// Number of Unicode code points in UTF-8 text.
size_t length(const std::string& utf8);

// One cue holding `words` as they are: from the first word's start to the last word's end, its text broken
// into lines, its speaker the one who speaks longest in it. REQUIRES: words is not empty.
Cue cue_of(std::vector<Word> words, const Limits& limits);

// REQUIRES: words sorted by start time.
std::vector<Cue> build_cues(const std::vector<Word>& words, const Limits& limits);

// Breaks `text` into at most max_lines lines of at most max_chars each where possible (balanced, at spaces;
// text without spaces, as in CJK, is broken between characters).
std::vector<std::string> break_lines(const std::string& text, int max_chars, int max_lines);

}  // namespace yv::subtitles

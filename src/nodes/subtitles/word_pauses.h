// Word timings kept out of the pauses a diarization found, before words are given speakers.
//
// Whisper's word timings (token timestamps) stretch a word over a pause after it and start the next word
// late: tiny.en times the pyannote sample call's first "Hello?" 6.77-8.43 s, over the 0.4 s pause and the
// other woman's "Hello?" (7.58-8.31), and that second "Hello." 8.43-8.58, inside the first woman's next turn,
// so both greetings went to one speaker. A pause between all speakers' turns is silence that no word spans.
#pragma once

#include <vector>

#include "nodes/diarize/turns.h"
#include "nodes/subtitles/cues.h"

namespace yv::subtitles {

// A gap between speaker turns (all speakers' turns together) at least this long is a pause.
inline constexpr double kPauseSeconds = 0.3;

// Each word (in time order) that spans a pause of `turns` ends where the first such pause begins, and the
// word after it, if it started later, starts where that pause ends; a word with under 0.1 s before the pause
// starts after it instead. Words spanning no pause, and all words when `turns` is empty, are left as they
// are.
void keep_words_out_of_pauses(std::vector<Word>& words, const std::vector<diarize::Turn>& turns);

}  // namespace yv::subtitles

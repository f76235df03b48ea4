// Mandarin text with English in it, cut into the runs each voice speaks (issue 21: a local LLM's Chinese
// translation keeps English words such as "Gutenberg" or "iPhone", which the Mandarin voice cannot say).
//
// The rule, which tts/code_switch.h follows:
// - A Latin word is a run of ASCII letters, with an apostrophe or hyphen between two letters kept inside it
//   (don't, e-mail). Letters with diacritics (café) are not Latin words here: the Mandarin front end skips
//   them, as before.
// - A phrase is Latin words joined by spaces or by , ; : and numbers standing between two of its words
//   ("iPhone 15 Pro", "Hello, world"). It starts and ends with a word: a number after the last word is
//   Mandarin text and read as a Chinese number (Windows 11 -> Windows, 十一).
// - A phrase is English when one of its words is English: two letters or more and not an acronym. An
//   acronym is a word of 2 to 5 capital letters (AI, GPU, CEO, NASA): Mandarin speakers name those letter by
//   letter, and so does the Mandarin voice (tts/mandarin.h), so a phrase of acronyms and single letters (A股,
//   x轴, GPT-4) stays Mandarin. Mixed case (iPhone, YouTube) and longer capitals (NVIDIA) are English.
// - In a sentence without any Han character (an untranslated line) every phrase is English, acronyms too.
// - Everything else is Mandarin: Han characters, numbers outside phrases, punctuation, spaces.
#pragma once

#include <string>
#include <vector>

namespace yv::tts {

struct TextRun {
  std::string text;           // a slice of the sentence, as written
  bool english = false;       // an English phrase (above); else Mandarin text
  bool pause_before = false;  // punctuation between this run's first word or character and the run before
                              // (Gutenberg（古腾堡）): a clause pause belongs at the join
};

// The runs of `sentence` in order; their texts put together are the sentence. No two neighbours have the
// same language. A sentence without an English phrase is one Mandarin run; an empty one gives no run.
std::vector<TextRun> language_runs(const std::string& sentence);

}  // namespace yv::tts

// A Mandarin voice whose English words are spoken by an English voice (issue 21: a dubbing's Chinese
// translation keeps words such as "Gutenberg" or "centuries"). Baker has no English, and spelling a word
// letter by letter (C-E-N-T-U-R-I-E-S, 13 syllables) was heard as nonsense and overran the dub's slot;
// dubbing tools with edge-tts say such words in English, and so does this speaker.
//
// Each sentence is cut into language runs (tts/language_runs.h: acronyms such as AI or GPU stay Mandarin and
// are named by the Mandarin voice, as Mandarin speakers say them). Mandarin runs are spoken by the Mandarin
// voice, English runs by the English one at the same speed, resampled to the Mandarin voice's rate and
// brought to the level of the sentence's Mandarin speech (tts/splice.h). The pieces are joined with a short
// pause (kGapSeconds, a clause pause where punctuation stands between them), divided by the speed, and short
// fades at the cuts. A sentence without English is the Mandarin voice's own output, sample for sample.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tts/voices.h"

namespace yv::tts {

class CodeSwitchSpeaker : public Speaker {
 public:
  // REQUIRES: both are non-null.
  CodeSwitchSpeaker(std::shared_ptr<const Speaker> mandarin, std::shared_ptr<const Speaker> english);
  int sample_rate() const override { return mandarin_->sample_rate(); }
  std::vector<float> speak(const std::string& sentence, float speed) const override;

 private:
  std::shared_ptr<const Speaker> mandarin_, english_;
};

}  // namespace yv::tts

// Debian's espeak-ng (libespeak-ng, with its espeak-ng-data) in-process: phonemes for the neural voices and
// formant speech for every language that has no neural voice.
//
// espeak-ng keeps one global state (the voice, the rate, the output callback) and is not thread-safe, so
// every call here takes one process-wide lock. Piper voices were trained on espeak-ng's IPA, which is why
// their phonemes come from it too; sherpa-onnx's own copy of espeak-ng is not exported by its library, so the
// two never meet. Voices that need MBROLA data (mb/...) are never chosen: Debian ships them without their
// databases.
#pragma once

#include <string>
#include <vector>

namespace yv::tts::espeak {

// The espeak-ng voice (its identifier, such as "gmw/en") that speaks `language` (ISO 639-1/3 code such as
// "en", "de", "cmn", or a region form "en-us"), by espeak-ng's own priorities; empty when none does.
std::string voice_for(const std::string& language);

// Every language code espeak-ng's voices name, sorted.
std::vector<std::string> languages();

// The IPA phonemes of one sentence as `voice` (an espeak-ng voice name) speaks it: words separated by spaces,
// each clause followed by the punctuation that ended it in the text (, . ? ! : ;), as Piper voices were
// trained on. Throws yv::Error "unsupported_language" (400) for a voice espeak-ng does not have.
std::u32string phonemes(const std::string& sentence, const std::string& voice);

// espeak-ng's own speech for one sentence: mono samples in [-1, 1] at sample_rate(). `speed` scales its
// default 175 words a minute. Same errors as phonemes().
std::vector<float> speak(const std::string& sentence, const std::string& voice, float speed);

int sample_rate();

}  // namespace yv::tts::espeak

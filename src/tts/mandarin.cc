#include "tts/mandarin.h"

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "text/line_breaks.h"
#include "tts/chinese_numbers.h"

namespace yv::tts {
namespace {

// Clause punctuation inside a sentence, where a reader pauses briefly.
bool clause_break(UChar32 c) {
  return c == U'，' || c == U'、' || c == U'；' || c == U'：' || c == U',' || c == U';' || c == U':';
}

struct Syllable {
  std::string character, initial, final;
  char tone;          // '1'..'5'
  bool word_start;    // ICU's word segmentation puts a boundary before it
  bool pause_before;  // clause punctuation before it
};

bool is_numeral(const std::string& character) {
  static const std::string numerals = "零一二三四五六七八九十百千万亿两";
  return numerals.find(character) != std::string::npos;
}

// The tone changes of connected speech, which the corpus's labels carry (its pinyin is what was said: 卡尔普
// is ka2 er2 pu3), so the voice expects them: a third tone before a third tone becomes a second within a
// clause; 不 before a fourth tone is bu2; 一 before another syllable of its clause (not in a numeral: 第一,
// 一九九八) is yi2 before a fourth tone, yi4 before the others.
void apply_sandhi(std::vector<Syllable>& s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const Syllable& next = s[i + 1];
    if (next.pause_before) continue;
    if (s[i].character == "不" && s[i].tone == '4' && next.tone == '4') {
      s[i].tone = '2';
    } else if (s[i].character == "一" && s[i].tone == '1' && !is_numeral(next.character) &&
               !(i > 0 && (s[i - 1].character == "第" || is_numeral(s[i - 1].character)))) {
      s[i].tone = next.tone == '4' ? '2' : '4';
    }
  }
  for (size_t i = 0; i + 1 < s.size(); ++i) {  // against the next one's own tone: 展览馆 is zhan2 lan2 guan3
    if (s[i].tone == '3' && s[i + 1].tone == '3' && !s[i + 1].pause_before) s[i].tone = '2';
  }
}

// The Latin letters as Mandarin speakers name them, in syllables the voice has (Baker's corpus has no
// English): A is ei1, W da2 bu5 liu5 ("double-u"). A letter of any case is named, so acronyms (AI, GPU) are
// said as Mandarin speakers say them, and the words (iPhone) that reach this front end, which happens only
// without an English voice (tts/code_switch.h), are spelled: their letters heard, which silence would drop.
const std::array<const char*, 26> kLetterNames = {
    "ei1",     "bi4",  "xi1",     "di4",     "yi4",          "ai2 fu5",     "ji1",  "ei1 qi1",  "ai4",
    "zhei4",   "kei4", "ai2 le5", "ai2 mu5", "en1",          "ou1",         "pi1",  "ke4 you1", "a4 er5",
    "ai2 si5", "ti4",  "you1",    "wei1",    "da2 bu5 liu5", "ai2 ke4 si5", "wai4", "zei4"};

bool is_han(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  return uscript_getScript(c, &status) == USCRIPT_HAN && U_SUCCESS(status);
}

}  // namespace

MandarinFrontEnd::MandarinFrontEnd(const std::filesystem::path& voice_dir) {
  std::ifstream table(voice_dir / "pinyin.txt");
  std::string line;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string syllable, initial, final;
    if (fields >> syllable >> initial >> final) syllables_[syllable] = {initial, final};
  }
  std::ifstream readings(voice_dir / "readings.txt");
  while (std::getline(readings, line)) {
    std::istringstream fields(line);
    std::string text, syllable;
    std::vector<std::string> spoken;
    fields >> text;
    while (fields >> syllable) spoken.push_back(syllable);
    const auto length = size_t(icu::UnicodeString::fromUTF8(text).countChar32());
    if (length == 0 || spoken.size() != length) continue;
    longest_ = std::max(longest_, length);
    readings_[text] = std::move(spoken);
  }
  if (syllables_.empty() || readings_.empty())
    throw Error("model_load_failed", "the pinyin tables of " + voice_dir.string() + " are missing", 500);
  UErrorCode status = U_ZERO_ERROR;
  to_pinyin_.reset(
      icu::Transliterator::createInstance("Han-Latin; Latin-NumericPinyin", UTRANS_FORWARD, status));
  if (U_FAILURE(status) || !to_pinyin_)
    throw Error("model_load_failed", std::string("ICU's Han-Latin transliterator: ") + u_errorName(status),
                500);
}

MandarinFrontEnd::~MandarinFrontEnd() = default;

std::string MandarinFrontEnd::pinyin(const std::string& character) const {
  auto text = icu::UnicodeString::fromUTF8(character);
  {
    std::lock_guard lock(mutex_);
    to_pinyin_->transliterate(text);
  }
  std::string latin, out;
  text.toUTF8String(latin);
  // Latin-NumericPinyin writes ü as such and leaves the neutral tone without a digit; Baker's table has v
  // and 5.
  static const std::string u_umlaut = "ü";
  for (size_t i = 0; i < latin.size();) {
    const bool umlaut = latin.compare(i, u_umlaut.size(), u_umlaut) == 0;
    out += umlaut ? 'v' : latin[i];
    i += umlaut ? u_umlaut.size() : 1;
  }
  if (out.empty() || out.back() < '1' || out.back() > '5') out += '5';
  return out;
}

std::vector<std::string> MandarinFrontEnd::phones(const std::string& sentence) const {
  const std::string text = read_numbers(sentence);
  const auto breaks = text::word_break_offsets(text);
  // The Han characters and Latin letters, each with where it starts and what came before it since the
  // previous one.
  struct Character {
    std::string text;
    size_t offset;
    bool pause_before, joined;  // clause punctuation / nothing at all between it and the previous one
    bool letter;
  };
  std::vector<Character> characters;
  bool pause = false, gap = false, han = false;
  for (int32_t at = 0, next = 0; at < int32_t(text.size()); at = next) {
    UChar32 c;
    U8_NEXT(text.data(), next, int32_t(text.size()), c);
    const bool letter = c >= 0 && c < 128 && std::isalpha(int(c));
    if (c < 0 || (!letter && !is_han(c))) {
      pause = pause || (clause_break(c) && !characters.empty());
      gap = true;
      continue;
    }
    han = han || !letter;
    characters.push_back({text.substr(size_t(at), size_t(next - at)), size_t(at), pause, !gap, letter});
    pause = gap = false;
  }
  // Letters alone are not Mandarin: an untranslated English line is the English voice's (tts/code_switch.h),
  // and without one stays "nothing to speak" rather than spelled.
  if (!han) return {};
  // Readings: the longest phrase of the table that starts here (within a run of joined characters), else the
  // character's own reading, else ICU's.
  std::vector<Syllable> syllables;
  for (size_t i = 0; i < characters.size();) {
    if (characters[i].letter) {  // its name, a word of its own
      const Character& c = characters[i++];
      std::istringstream name(kLetterNames[size_t(std::toupper(c.text[0]) - 'A')]);
      std::string syllable;
      const size_t first = syllables.size();
      while (name >> syllable) {
        const auto found = syllables_.find(syllable.substr(0, syllable.size() - 1));
        if (found == syllables_.end()) continue;  // a voice whose table lacks it
        const auto& [initial, final] = found->second;
        const bool starts = syllables.size() == first;
        syllables.push_back({c.text, initial, final, syllable.back(), starts, starts && c.pause_before});
      }
      continue;
    }
    std::vector<std::string> spoken;
    size_t run = 1;
    while (i + run < characters.size() && characters[i + run].joined && !characters[i + run].letter &&
           run < longest_)
      ++run;
    for (size_t length = run; length >= 1 && spoken.empty(); --length) {
      std::string key;
      for (size_t k = i; k < i + length; ++k) key += characters[k].text;
      if (const auto found = readings_.find(key); found != readings_.end()) spoken = found->second;
    }
    if (spoken.empty()) spoken = {pinyin(characters[i].text)};
    for (const auto& syllable : spoken) {
      const Character& c = characters[i++];
      std::string toneless = syllable.substr(0, syllable.size() - 1);
      if (toneless == "n" || toneless == "ng" || toneless == "m") toneless = "en";  // 嗯, 呣: Baker's "en"
      const auto found = syllables_.find(toneless);
      if (found == syllables_.end()) continue;  // a reading outside the corpus's table
      const bool word_start = std::binary_search(breaks.begin(), breaks.end(), c.offset);
      syllables.push_back(
          {c.text, found->second.first, found->second.second, syllable.back(), word_start, c.pause_before});
    }
  }
  if (syllables.empty()) return {};
  apply_sandhi(syllables);
  std::vector<std::string> out{"sil"};
  for (size_t i = 0; i < syllables.size(); ++i) {
    const auto& s = syllables[i];
    if (i > 0) out.push_back(s.pause_before ? "#3" : s.word_start ? "#1" : "#0");
    out.push_back(s.initial);
    out.push_back(s.final + s.tone);
  }
  out.push_back("sil");
  out.push_back("eos");
  return out;
}

std::vector<std::vector<std::string>> split_phones(const std::vector<std::string>& phones,
                                                   size_t max_syllables) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> piece{"sil"};
  size_t syllables = 0;
  for (size_t i = 1; i + 2 < phones.size(); ++i) {  // inside the sentence's own sil ... sil eos
    const std::string& p = phones[i];
    const bool boundary = p[0] == '#';
    const bool cut =
        boundary && ((p != "#0" && syllables >= max_syllables) || syllables >= 2 * max_syllables);
    if (cut) {
      out.push_back(piece);
      out.back().insert(out.back().end(), {"sil", "eos"});
      piece = {"sil"};
      syllables = 0;
      continue;
    }
    if (!boundary && std::isdigit(static_cast<unsigned char>(p.back()))) ++syllables;
    piece.push_back(p);
  }
  if (piece.size() > 1) {
    out.push_back(piece);
    out.back().insert(out.back().end(), {"sil", "eos"});
  }
  return out;
}

}  // namespace yv::tts

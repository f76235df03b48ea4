#include "tts/mandarin.h"

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
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
// clause; 不 before a fourth tone is bu2; 一 inside a word (not a numeral: 第一, 一九九八) is yi2 before a
// fourth tone, yi4 before the others.
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

bool is_han(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  return uscript_getScript(c, &status) == USCRIPT_HAN && U_SUCCESS(status);
}

}  // namespace

MandarinFrontEnd::MandarinFrontEnd(const std::filesystem::path& table) {
  std::ifstream in(table);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string syllable, initial, final;
    if (fields >> syllable >> initial >> final) syllables_[syllable] = {initial, final};
  }
  if (syllables_.empty())
    throw Error("model_load_failed", "the pinyin table " + table.string() + " is missing", 500);
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
  std::vector<Syllable> syllables;
  bool pause = false;  // clause punctuation since the last syllable
  for (int32_t at = 0, next = 0; at < int32_t(text.size()); at = next) {
    UChar32 c;
    U8_NEXT(text.data(), next, int32_t(text.size()), c);
    if (clause_break(c)) pause = !syllables.empty();
    if (c < 0 || !is_han(c)) continue;
    const std::string character = text.substr(size_t(at), size_t(next - at));
    const std::string spelled = pinyin(character);
    std::string toneless = spelled.substr(0, spelled.size() - 1);
    if (toneless == "n" || toneless == "ng" || toneless == "m") toneless = "en";  // 嗯, 呣: Baker's "en"
    const auto found = syllables_.find(toneless);
    if (found == syllables_.end()) continue;  // a rare reading outside the corpus's table
    const bool word_start = std::binary_search(breaks.begin(), breaks.end(), size_t(at));
    syllables.push_back(
        {character, found->second.first, found->second.second, spelled.back(), word_start, pause});
    pause = false;
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

}  // namespace yv::tts

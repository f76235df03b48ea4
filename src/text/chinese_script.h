// Simplified or Traditional Chinese characters, whichever the user asked for.
//
// Whisper writes Chinese in whatever script its training text for a sound happened to use: Simplified speech
// comes back with Traditional characters mixed in (換 for 换), and a viewer in Taipei wants the reverse. The
// conversion is OpenCC's (Debian libopencc), phrase-aware rather than character by character (头发 → 頭髮,
// not 頭發). Punctuation, Latin letters and digits pass through unchanged.
#pragma once

#include <string>
#include <string_view>

namespace yv::text {

enum class ChineseScript {
  kSimplified,   // mainland China, Singapore
  kTraditional,  // OpenCC's standard Traditional characters (Taiwan, Hong Kong)
  kAsIs,         // what the model wrote
};

// "simplified", "traditional" or "as_is".
// Throws yv::Error "invalid_parameter" (400) for any other name.
ChineseScript parse_chinese_script(std::string_view name);

// `utf8` written in `script`. Thread-safe; the first call for a script loads OpenCC's dictionaries.
// Throws yv::Error "script_conversion_unavailable" (503) when OpenCC's data files are not installed.
std::string to_script(std::string_view utf8, ChineseScript script);

}  // namespace yv::text

// The languages Whisper knows, by the codes requests name them with.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yv::whisper {

// Whisper's language codes (ISO 639-1, and "haw", "yue"), in its token order: "en", "zh", "de", ...
// A multilingual model knows a prefix of this list (large-v3 all 100; the others the first 99).
const std::vector<std::string>& language_codes();

// Whether `code` is one of language_codes(). Whisper's full names ("english") are not codes.
bool is_language_code(std::string_view code);

// Whisper's full name of the language `code` names ("en" -> "english"), as OpenAI's API reports a language;
// `code` itself when it is not one of language_codes().
std::string language_name(const std::string& code);

}  // namespace yv::whisper

#include "nodes/whisper/languages.h"

#include <whisper.h>

#include <algorithm>

namespace yv::whisper {

const std::vector<std::string>& language_codes() {
  static const std::vector<std::string> codes = [] {
    std::vector<std::string> out;
    for (int id = 0; id <= whisper_lang_max_id(); ++id) out.emplace_back(whisper_lang_str(id));
    return out;
  }();
  return codes;
}

bool is_language_code(std::string_view code) {
  const auto& codes = language_codes();
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

std::string language_name(const std::string& code) {
  return is_language_code(code) ? whisper_lang_str_full(whisper_lang_id(code.c_str())) : code;
}

}  // namespace yv::whisper

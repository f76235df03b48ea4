#include "text/chinese_script.h"

#include <opencc/opencc.h>

#include <memory>
#include <mutex>

#include "core/error.h"

namespace yv::text {
namespace {

// One OpenCC converter: loading a configuration reads its dictionaries (a few MB), so each is opened once per
// process and shared; calls on it are serialised because OpenCC does not promise they may overlap.
class Converter {
 public:
  explicit Converter(const char* config) : handle_(opencc_open(config)) {}
  ~Converter() {
    if (ok()) opencc_close(handle_);
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  bool ok() const { return handle_ != reinterpret_cast<opencc_t>(-1) && handle_ != nullptr; }

  std::string convert(std::string_view utf8) {
    std::lock_guard lock(mutex_);
    std::unique_ptr<char, decltype(&opencc_convert_utf8_free)> out(
        opencc_convert_utf8(handle_, utf8.data(), utf8.size()), opencc_convert_utf8_free);
    if (!out) throw Error("script_conversion_failed", "OpenCC could not convert the text", 500);
    return out.get();
  }

 private:
  opencc_t handle_;
  std::mutex mutex_;
};

// REQUIRES: script is not kAsIs.
Converter& converter(ChineseScript script) {
  const bool simplified = script == ChineseScript::kSimplified;
  const char* config = simplified ? OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP : OPENCC_DEFAULT_CONFIG_SIMP_TO_TRAD;
  // Each table is loaded on first use only: most workers only ever write Simplified.
  const auto to_simplified = []() -> Converter& {
    static Converter c(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
    return c;
  };
  const auto to_traditional = []() -> Converter& {
    static Converter c(OPENCC_DEFAULT_CONFIG_SIMP_TO_TRAD);
    return c;
  };
  Converter& c = simplified ? to_simplified() : to_traditional();
  if (!c.ok()) {
    throw Error("script_conversion_unavailable",
                std::string("OpenCC's conversion table ") + config +
                    " is not installed (Debian package libopencc1.1); ask for zh_script as_is meanwhile",
                503);
  }
  return c;
}

}  // namespace

ChineseScript parse_chinese_script(std::string_view name) {
  if (name == "simplified") return ChineseScript::kSimplified;
  if (name == "traditional") return ChineseScript::kTraditional;
  if (name == "as_is") return ChineseScript::kAsIs;
  throw Error("invalid_parameter",
              "zh_script must be simplified, traditional or as_is, not '" + std::string(name) + "'", 400);
}

std::string to_script(std::string_view utf8, ChineseScript script) {
  if (script == ChineseScript::kAsIs || utf8.empty()) return std::string(utf8);
  return converter(script).convert(utf8);
}

}  // namespace yv::text

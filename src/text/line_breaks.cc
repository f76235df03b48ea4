#include "text/line_breaks.h"

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <algorithm>
#include <memory>

namespace yv::text {
namespace {

struct BreakIteratorCloser {
  void operator()(UBreakIterator* b) const { ubrk_close(b); }
};
using BreakIterator = std::unique_ptr<UBreakIterator, BreakIteratorCloser>;

struct TextCloser {
  void operator()(UText* t) const { utext_close(t); }
};

// The boundaries an iterator of `type` finds in `utf8`, as byte offsets (ICU's native indices on UTF-8
// text), without the start and the end. Opening an iterator loads its rules and dictionaries, so each thread
// keeps one of each type.
std::vector<size_t> boundaries(UBreakIteratorType type, std::string_view utf8) {
  thread_local BreakIterator word, line;
  BreakIterator& iterator = type == UBRK_WORD ? word : line;
  UErrorCode status = U_ZERO_ERROR;
  if (!iterator) iterator.reset(ubrk_open(type, "zh", nullptr, 0, &status));
  if (U_FAILURE(status) || !iterator) {
    iterator.reset();
    return {};
  }
  std::unique_ptr<UText, TextCloser> text(
      utext_openUTF8(nullptr, utf8.data(), int64_t(utf8.size()), &status));
  ubrk_setUText(iterator.get(), text.get(), &status);
  if (U_FAILURE(status)) return {};
  std::vector<size_t> out;
  for (int32_t at = ubrk_next(iterator.get()); at != UBRK_DONE; at = ubrk_next(iterator.get())) {
    if (at > 0 && size_t(at) < utf8.size()) out.push_back(size_t(at));
  }
  return out;
}

}  // namespace

std::vector<size_t> word_break_offsets(std::string_view utf8) {
  const auto words = boundaries(UBRK_WORD, utf8);
  const auto lines = boundaries(UBRK_LINE, utf8);
  std::vector<size_t> both;
  std::set_intersection(words.begin(), words.end(), lines.begin(), lines.end(), std::back_inserter(both));
  return both;
}

bool ends_clause(std::string_view utf8) {
  while (!utf8.empty() && utf8.back() == ' ') utf8.remove_suffix(1);
  for (std::string_view mark : {"，", "、", "；", "：", "。", "？", "！", ",", ";", ":", ".", "?", "!"}) {
    if (utf8.ends_with(mark)) return true;
  }
  return false;
}

}  // namespace yv::text

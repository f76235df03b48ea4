// Where a line of subtitle text may be broken, for scripts written without spaces between words.
//
// Chinese and Japanese put no space between words, so "between any two characters" cuts words in half
// (北|京). ICU's break iterators (Debian libicu) know better: the word iterator segments CJK text with a
// dictionary, and the line iterator applies Unicode's line-breaking rules (no line starts with ，。！？ or
// ends with “《). A break is allowed where both agree.
#pragma once

#include <string_view>
#include <vector>

namespace yv::text {

// Byte offsets into `utf8`, strictly between its start and its end and ascending, where a line may be broken
// between two words. Text ICU cannot segment (it is never refused: it only has fewer offsets) gives
// none. Thread-safe.
std::vector<size_t> word_break_offsets(std::string_view utf8);

// Whether the UTF-8 text ends with a mark that closes a clause or sentence (，、；：。？！ and their ASCII
// forms), after which a line or a cue breaks best.
bool ends_clause(std::string_view utf8);

}  // namespace yv::text

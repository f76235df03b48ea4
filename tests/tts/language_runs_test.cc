// The text rule that decides which words of a Mandarin sentence the English voice says (tts/language_runs.h).
#include "tts/language_runs.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace yv::tts {
namespace {

// The runs as (text, english) pairs, and their texts put together must give the sentence back.
std::vector<std::pair<std::string, bool>> runs(const std::string& sentence) {
  std::vector<std::pair<std::string, bool>> out;
  std::string whole;
  for (const auto& run : language_runs(sentence)) {
    out.emplace_back(run.text, run.english);
    whole += run.text;
  }
  EXPECT_EQ(whole, sentence);
  return out;
}

using Runs = std::vector<std::pair<std::string, bool>>;

TEST(LanguageRuns, AnEnglishWordInsideMandarinIsARunOfItsOwn) {
  EXPECT_EQ(runs("我们用Gutenberg印刷机"), (Runs{{"我们用", false}, {"Gutenberg", true}, {"印刷机", false}}));
  EXPECT_EQ(runs("这本书出版于几个centuries之前。"),
            (Runs{{"这本书出版于几个", false}, {"centuries", true}, {"之前。", false}}));
}

TEST(LanguageRuns, MandarinWithoutEnglishIsOneRun) {
  EXPECT_EQ(runs("你好，世界！"), (Runs{{"你好，世界！", false}}));
  EXPECT_TRUE(language_runs("").empty());
}

TEST(LanguageRuns, AcronymsAndSingleLettersStayMandarin) {
  // Up to five capitals are named letter by letter by the Mandarin voice, as Mandarin speakers say them.
  for (const std::string sentence :
       {"英伟达的GPU几乎垄断了AI训练市场。", "美国NASA发射了火箭", "A股和x轴", "我们公司的CEO下周会去北京。"})
    EXPECT_EQ(runs(sentence), (Runs{{sentence, false}})) << sentence;
}

TEST(LanguageRuns, MixedCaseAndLongCapitalsAreEnglish) {
  EXPECT_EQ(runs("我用iPhone拍的"), (Runs{{"我用", false}, {"iPhone", true}, {"拍的", false}}));
  EXPECT_EQ(runs("在YouTube上"), (Runs{{"在", false}, {"YouTube", true}, {"上", false}}));
  EXPECT_EQ(runs("NVIDIA的芯片"), (Runs{{"NVIDIA", true}, {"的芯片", false}}));
  EXPECT_EQ(runs("两个Ok"), (Runs{{"两个", false}, {"Ok", true}}));
}

TEST(LanguageRuns, APhraseKeepsItsWordsAcronymsAndInnerNumbersTogether) {
  EXPECT_EQ(runs("他读了New York Times的报道"),
            (Runs{{"他读了", false}, {"New York Times", true}, {"的报道", false}}));
  // An acronym inside an English phrase is said by the English voice with the rest.
  EXPECT_EQ(runs("用GPU training很贵"), (Runs{{"用", false}, {"GPU training", true}, {"很贵", false}}));
  EXPECT_EQ(runs("买了iPhone 15 Pro。"), (Runs{{"买了", false}, {"iPhone 15 Pro", true}, {"。", false}}));
  EXPECT_EQ(runs("他说Hello, world然后走了"),
            (Runs{{"他说", false}, {"Hello, world", true}, {"然后走了", false}}));
  // Apostrophes and hyphens between letters are inside a word.
  EXPECT_EQ(runs("他说don't和e-mail"),
            (Runs{{"他说", false}, {"don't", true}, {"和", false}, {"e-mail", true}}));
}

TEST(LanguageRuns, NumbersAfterThePhraseAreReadInMandarin) {
  EXPECT_EQ(runs("升级到Windows 11系统"), (Runs{{"升级到", false}, {"Windows", true}, {" 11系统", false}}));
  // GPT-4: an acronym with a number, all Mandarin (GPT named, 4 read 四).
  EXPECT_EQ(runs("GPT-4很强"), (Runs{{"GPT-4很强", false}}));
  // Letters glued after digits are no word (4K, 3D).
  EXPECT_EQ(runs("4K电视和3D电影"), (Runs{{"4K电视和3D电影", false}}));
}

TEST(LanguageRuns, ALineWithoutHanIsEnglishAcronymsIncluded) {
  EXPECT_EQ(runs("Hello, how are you?"), (Runs{{"Hello, how are you", true}, {"?", false}}));
  EXPECT_EQ(runs("GPU, OK?"), (Runs{{"GPU, OK", true}, {"?", false}}));
  // Text between two English phrases with nothing Mandarin to say stays with them.
  EXPECT_EQ(runs("Yes - no."), (Runs{{"Yes - no", true}, {".", false}}));
  EXPECT_TRUE(runs("... !!!").size() == 1 && !language_runs("... !!!")[0].english);
}

TEST(LanguageRuns, PunctuationAtAJoinAsksForAPause) {
  const auto with_comma = language_runs("我说：Hello，然后走了");
  ASSERT_EQ(with_comma.size(), 3u);
  EXPECT_FALSE(with_comma[0].pause_before);
  EXPECT_TRUE(with_comma[1].pause_before);  // ：
  EXPECT_TRUE(with_comma[2].pause_before);  // ，
  const auto plain = language_runs("我用iPhone拍的");
  ASSERT_EQ(plain.size(), 3u);
  EXPECT_FALSE(plain[1].pause_before);
  EXPECT_FALSE(plain[2].pause_before);
}

}  // namespace
}  // namespace yv::tts

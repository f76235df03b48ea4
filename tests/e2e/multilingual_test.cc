// The multilingual Whisper base model (fetched from PyPI and converted by the set-up) on real speech:
// Mandarin scored by character error rate, English by word error rate, and the transcribe node choosing base
// for any language but English.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/wer.h"
#include "media/audio_decoder.h"
#include "nodes/whisper/model.h"
#include "nodes/whisper/model_store.h"
#include "support/fixtures.h"
#include "support/node_test.h"

namespace yv::whisper {
namespace {

const Model& base_model() {
  static const auto model = Model::load(ModelStore(default_model_dir()).resolve("base"));
  return *model;
}

std::string transcribe_with_base(const std::string& path, const std::string& language) {
  TranscribeOptions options;
  options.language = language;
  return base_model().transcribe(media::decode_audio(path), options).text();
}

// Real Mandarin clips of ../shared/fixtures/zh (AISHELL-1 read speech, WenetSpeech internet speech), each
// with its reference text beside it. base writes them in Simplified characters, so the threshold is the
// issue's 10% with no allowance for script (measured: 1 wrong character of 13 on the AISHELL clip, none on
// the other).
class MandarinClip : public ::testing::TestWithParam<std::string> {};

TEST_P(MandarinClip, BaseTranscribesWithinTenPercentCer) {
  const std::string clip = "zh/" + GetParam();
  const std::string text = transcribe_with_base(test::shared_fixture(clip + ".wav"), "zh");
  const WerResult cer = character_error_rate(test::read_text(test::shared_fixture(clip + ".txt")), text);
  EXPECT_LE(cer.rate, 0.10) << "hypothesis: " << text << "\nsubstitutions " << cer.substitutions
                            << ", deletions " << cer.deletions << ", insertions " << cer.insertions;
}

INSTANTIATE_TEST_SUITE_P(SharedFixtures, MandarinClip,
                         ::testing::Values("BAC009S0764W0121", "TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000"));

TEST(Multilingual, BaseTranscribesJfkWithinFivePercentWer) {
  const std::string text = transcribe_with_base(test::shared_fixture("jfk.wav"), "en");
  const WerResult wer = word_error_rate(test::read_text(test::shared_fixture("jfk.txt")), text);
  EXPECT_LE(wer.rate, 0.05) << "hypothesis: " << text;
}

class TranscribeModelChoice : public test::NodeTest {
 protected:
  TranscribeModelChoice() : NodeTest("faster_whisper.transcribe_audio", "yivideo-model-choice") {}
};

TEST_F(TranscribeModelChoice, ChineseWithoutAModelGetsBase) {
  // Default settings: the VAD is on (enable_optimization). It keeps the loud, pause-free internet clip that
  // the energy detector emptied, and the quiet (RMS 0.01) read one.
  for (const std::string clip : {"zh/TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000", "zh/BAC009S0764W0121"}) {
    const auto out = run({{"audio_path", test::shared_fixture(clip + ".wav")}, {"language", "zh"}});
    EXPECT_EQ(out["model"], "base");
    EXPECT_EQ(out["language"], "zh");
    EXPECT_LE(character_error_rate(test::read_text(test::shared_fixture(clip + ".txt")),
                                   out["text"].get<std::string>())
                  .rate,
              0.10)
        << clip << ": " << out["text"];
  }
}

TEST_F(TranscribeModelChoice, ModelSizeNamesTheModelAsFasterWhisperDoes) {
  const auto out =
      run({{"audio_path", test::shared_fixture("jfk.wav")}, {"model_size", "base"}, {"language", "en"}});
  EXPECT_EQ(out["model"], "base");
}

TEST_F(TranscribeModelChoice, ModelAndModelSizeNamingDifferentModelsAreRefused) {
  EXPECT_EQ(
      error_code(
          {{"audio_path", test::shared_fixture("jfk.wav")}, {"model", "tiny.en"}, {"model_size", "base"}}),
      "invalid_parameter");
}

}  // namespace
}  // namespace yv::whisper

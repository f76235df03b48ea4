// Chinese transcripts on real Mandarin (../shared/fixtures/zh): the script the user asks for, words that a
// subtitle can be cut between, and the same transcript every time for the same input.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <string>

#include "core/wer.h"
#include "media/audio_decoder.h"
#include "media/audio_writer.h"
#include "nodes/whisper/long_form.h"
#include "nodes/whisper/model.h"
#include "nodes/whisper/model_store.h"
#include "support/fixtures.h"
#include "support/node_test.h"
#include "text/chinese_script.h"

namespace yv::whisper {
namespace {

const std::string kReadSpeech = "zh/BAC009S0764W0121";  // AISHELL-1: 甚至出现交易几乎停滞的情况

class ChineseTranscript : public test::NodeTest {
 protected:
  ChineseTranscript() : NodeTest("faster_whisper.transcribe_audio", "yivideo-zh-transcript") {}

  nlohmann::json transcribe(nlohmann::json params) {
    params["audio_path"] = test::shared_fixture(kReadSpeech + ".wav");
    params["language"] = "zh";
    return run(params);
  }

  static nlohmann::json segments(const nlohmann::json& out) {
    std::ifstream in(out["segments_file"].get<std::string>());
    return nlohmann::json::parse(in)["segments"];
  }
};

TEST_F(ChineseTranscript, DefaultsToSimplifiedCharacters) {
  const std::string text = transcribe({})["text"];
  EXPECT_EQ(text, text::to_script(text, text::ChineseScript::kSimplified));
  EXPECT_NE(text, text::to_script(text, text::ChineseScript::kTraditional));
  EXPECT_LE(character_error_rate(test::read_text(test::shared_fixture(kReadSpeech + ".txt")), text).rate,
            0.10)
      << text;
}

TEST_F(ChineseTranscript, TraditionalWhenAskedInTextAndWords) {
  const auto out = transcribe({{"zh_script", "traditional"}});
  const std::string text = out["text"];
  EXPECT_NE(text.find("現"), std::string::npos) << text;  // 出现 -> 出現
  EXPECT_EQ(text, text::to_script(text, text::ChineseScript::kTraditional));
  for (const auto& seg : segments(out)) {
    for (const auto& w : seg["words"]) {
      EXPECT_EQ(w["word"], text::to_script(w["word"].get<std::string>(), text::ChineseScript::kTraditional));
    }
  }
  // The same speech: converted back, it scores as the Simplified transcript does.
  EXPECT_LE(character_error_rate(test::read_text(test::shared_fixture(kReadSpeech + ".txt")),
                                 text::to_script(text, text::ChineseScript::kSimplified))
                .rate,
            0.10);
}

TEST_F(ChineseTranscript, AnUnknownScriptIsRefused) {
  EXPECT_EQ(
      error_code({{"audio_path", test::shared_fixture(kReadSpeech + ".wav")}, {"zh_script", "klingon"}}),
      "invalid_parameter");
}

// A Chinese segment used to come back as one "word" holding the whole sentence, which no subtitle can be cut
// inside. Each word is now a token or two: a character or a few, timed, in order, spelling the text.
TEST_F(ChineseTranscript, WordsAreCharactersOrShortPiecesThatSpellTheText) {
  for (const auto& seg : segments(transcribe({}))) {
    std::string spelled;
    double previous_start = 0;
    ASSERT_GE(seg["words"].size(), 5u) << seg["text"];
    for (const auto& w : seg["words"]) {
      const std::string word = w["word"];
      EXPECT_LE(word.size(), 4u * 3) << word;  // at most four CJK characters
      EXPECT_GE(w["start"].get<double>(), previous_start);
      previous_start = w["start"];
      spelled += word;
    }
    EXPECT_EQ(spelled, seg["text"]);
  }
}

// Issue 16: a run of the same input could drop a real clip's first seconds. Decoding must depend on nothing
// but the input and the parameters: the same quiet (RMS 0.01) real Mandarin, transcribed three times at
// once on one loaded model that has decoded other speech before, as a worker running several jobs does,
// gives one transcript.
TEST(ChineseDecoding, TheSameQuietSpeechGivesTheSameTranscriptEveryTime) {
  media::Audio joined{{}, 16000};
  for (const char* clip : {"zh/BAC009S0764W0121.wav", "zh/TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav",
                           "zh/BAC009S0764W0121.wav"}) {
    const auto audio = media::decode_audio(test::shared_fixture(clip));
    joined.samples.insert(joined.samples.end(), audio.samples.begin(), audio.samples.end());
    joined.samples.insert(joined.samples.end(), 16000 / 2, 0.0f);
  }
  double energy = 0;
  for (float s : joined.samples) energy += double(s) * s;
  const double gain = 0.01 / std::sqrt(energy / double(joined.samples.size()));
  for (float& s : joined.samples) s = float(s * gain);
  const auto path = test::scratch_path("yivideo-zh-quiet") + ".wav";
  media::AudioWriter writer(path, "wav", 16000, 1);
  writer.write(joined.samples.data(), joined.samples.size());
  writer.finish();

  const auto model = Model::load(ModelStore(default_model_dir()).resolve("base"));
  // What the model decoded before must not matter either: English first, its language detected.
  model->transcribe(media::decode_audio(test::shared_fixture("jfk.wav")), TranscribeOptions{});
  TranscribeOptions options;
  options.language = "zh";
  options.threads = 1;
  std::vector<std::future<std::string>> runs;
  for (int i = 0; i < 3; ++i) {
    runs.push_back(std::async(std::launch::async, [&] {
      LongFormOptions long_form;
      long_form.lanes = 1;
      return transcribe_file(*model, path, options, nullptr, long_form).text();
    }));
  }
  const std::string first = runs[0].get();
  EXPECT_GE(first.size(), 3u * 30) << first;  // about 40 characters were said; none of them dropped
  for (size_t i = 1; i < runs.size(); ++i) EXPECT_EQ(runs[i].get(), first);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace yv::whisper

// OpenAI's response formats written from a segments file: what each one holds and how it is framed.
#include "http/transcription_formats.h"

#include <gtest/gtest.h>

namespace yv::http {
namespace {

using nlohmann::json;

// Two segments as faster_whisper.transcribe_audio writes them, each text with Whisper's leading space.
const json kTranscript = {{"language", "en"},
                          {"language_probability", 1.0},
                          {"duration", 4.2},
                          {"segments",
                           {{{"id", 0},
                             {"start", 0.5},
                             {"end", 2.0},
                             {"text", " Ask not."},
                             {"avg_logprob", -0.2},
                             {"no_speech_prob", 0.01},
                             {"words",
                              {{{"start", 0.5}, {"end", 1.0}, {"word", " Ask"}, {"probability", 0.9}},
                               {{"start", 1.1}, {"end", 2.0}, {"word", " not."}, {"probability", 0.8}}}}},
                            {{"id", 1},
                             {"start", 2.5},
                             {"end", 4.0},
                             {"text", " Ask <what>."},
                             {"avg_logprob", -0.3},
                             {"no_speech_prob", 0.02},
                             {"words", json::array()}}}}};

TranscriptionAnswer answer(const std::string& format, bool segments = true, bool words = false,
                           const std::string& task = "transcribe") {
  return transcription_answer(kTranscript, {format, task, segments, words});
}

TEST(TranscriptionFormats, JsonIsTheTextWithTheSecondsBilled) {
  const auto a = answer("json");
  EXPECT_EQ(a.content_type, "application/json");
  EXPECT_EQ(json::parse(a.body),
            json({{"text", "Ask not. Ask <what>."}, {"usage", {{"type", "duration"}, {"seconds", 5}}}}));
}

TEST(TranscriptionFormats, TextIsOneLine) {
  const auto a = answer("text");
  EXPECT_EQ(a.body, "Ask not. Ask <what>.\n");
  EXPECT_EQ(a.content_type, "text/plain; charset=utf-8");
}

TEST(TranscriptionFormats, SrtAndVttHaveACuePerSegment) {
  EXPECT_EQ(
      answer("srt").body,
      "1\n00:00:00,500 --> 00:00:02,000\nAsk not.\n\n2\n00:00:02,500 --> 00:00:04,000\nAsk <what>.\n\n");
  const auto vtt = answer("vtt");
  EXPECT_EQ(vtt.body,
            "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nAsk not.\n\n00:00:02.500 --> 00:00:04.000\nAsk "
            "&lt;what&gt;.\n\n");
  EXPECT_EQ(vtt.content_type, "text/vtt; charset=utf-8");
}

TEST(TranscriptionFormats, VerboseJsonNamesTheLanguageAndCarriesSegmentsAndWordsAsAsked) {
  const json both = json::parse(answer("verbose_json", true, true).body);
  EXPECT_EQ(both["task"], "transcribe");
  EXPECT_EQ(both["language"], "english");
  EXPECT_EQ(both["duration"], 4.2);
  ASSERT_EQ(both["segments"].size(), 2u);
  EXPECT_EQ(both["segments"][1]["text"], " Ask <what>.");
  EXPECT_EQ(both["segments"][1]["avg_logprob"], -0.3);
  EXPECT_GT(both["segments"][0]["compression_ratio"].get<double>(), 0);
  EXPECT_EQ(both["words"], json::parse(R"([{"word": "Ask", "start": 0.5, "end": 1.0},
                                           {"word": "not.", "start": 1.1, "end": 2.0}])"));
  const json words_only = json::parse(answer("verbose_json", false, true).body);
  EXPECT_FALSE(words_only.contains("segments"));
  EXPECT_FALSE(json::parse(answer("verbose_json").body).contains("words"));
}

TEST(TranscriptionFormats, ATranslationIsEnglish) {
  json chinese = kTranscript;
  chinese["language"] = "zh";
  EXPECT_EQ(
      json::parse(transcription_answer(chinese, {"verbose_json", "translate", true, false}).body)["language"],
      "english");
  EXPECT_EQ(json::parse(
                transcription_answer(chinese, {"verbose_json", "transcribe", true, false}).body)["language"],
            "chinese");
}

}  // namespace
}  // namespace yv::http

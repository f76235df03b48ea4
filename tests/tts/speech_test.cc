// indextts.generate_speech and list_voice_presets: real voices, heard back by our own ASR.
//
// Accuracy is judged the only way that means something for speech: the audio the node wrote is transcribed by
// the real transcription node and scored against the text it was asked to say (WER for English, CER for
// Mandarin). The texts are real sentences: the reference transcripts of the shared fixtures (read speech and
// a speech), not sentences chosen for the voice.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/wer.h"
#include "engine/stage_inputs.h"
#include "media/audio_decoder.h"
#include "nodes/whisper/model_store.h"
#include "support/fixtures.h"
#include "support/node_test.h"
#include "tts/chinese_numbers.h"
#include "tts/splice.h"

namespace yv::indextts {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class Speech : public test::NodeTest {
 protected:
  Speech() : NodeTest("indextts.generate_speech", "yivideo-tts") {}

  // What the transcription node hears in `audio`.
  std::string hear(const std::string& audio, const std::string& language) {
    const auto& node = nodes_.get("faster_whisper.transcribe_audio");
    const auto params = nodes_.resolve_params(node, {{"audio_path", audio}, {"language", language}});
    const std::function<void(double)> progress = [](double) {};
    const std::atomic<bool> cancelled{false};
    return node.run({params, progress, cancelled, dir_})["text"];
  }

  // The share of characters the Mandarin voice gets wrong over `texts`, pooled: each spoken (language zh,
  // output files named `name` and the index: ASCII), heard back by Whisper base in Chinese, digits on both
  // sides read as the voice reads them (Whisper writes 五百米 as 500米; tts/chinese_numbers.h). `check` sees
  // each output and what was heard. Prints each text's CER and the pool, under `name`.
  double mandarin_heard_back(const std::vector<std::string>& texts, const std::string& name,
                             const std::function<void(size_t, const json&, const std::string&)>& check = {}) {
    int errors = 0, characters = 0;
    for (size_t i = 0; i < texts.size(); ++i) {
      const auto out =
          run({{"text", texts[i]}, {"language", "zh"}, {"output_path", name + std::to_string(i) + ".wav"}});
      const std::string heard = hear(out["audio_path"], "zh");
      if (check) check(i, out, heard);
      const auto cer = character_error_rate(tts::read_numbers(texts[i]), tts::read_numbers(heard));
      errors += cer.substitutions + cer.deletions + cer.insertions;
      characters += cer.reference_units;
      std::printf("[tts] baker %s: CER %.3f (%s)\n", texts[i].c_str(), cer.rate, heard.c_str());
    }
    std::printf("[tts] baker, %s: %d errors in %d characters\n", name.c_str(), errors, characters);
    return characters > 0 ? double(errors) / characters : 1.0;
  }

  static std::string reference(const std::string& fixture) {
    return test::read_text(test::shared_fixture(fixture + ".txt"));
  }
};

// Pooled over the three texts (50 words): the voice samples its durations and noise (VITS), so one short text
// may lose a word in one run and not the next ("middle" heard as "metal": 1 of 17 words).
TEST_F(Speech, EnglishVoiceIsTranscribedBackWithinTenPercentWer) {
  int errors = 0, words = 0;
  for (const std::string fixture : {"jfk", "1272-128104-0000", "another_door"}) {
    const auto text = reference(fixture);
    const auto out = run({{"text", text}, {"voice", "joe"}, {"output_path", fixture + ".wav"}});
    EXPECT_EQ(out["engine"], "piper");
    EXPECT_EQ(out["status"], "success");
    const std::string heard = hear(out["audio_path"], "en");
    const auto wer = word_error_rate(text, heard);
    errors += wer.substitutions + wer.deletions + wer.insertions;
    words += wer.reference_units;
    std::printf("[tts] joe %s: WER %.3f (%s)\n", fixture.c_str(), wer.rate, heard.c_str());
  }
  ASSERT_GT(words, 0);
  EXPECT_LE(double(errors) / words, 0.10) << errors << " errors in " << words << " words";
}

// Mandarin: the references of five real recordings (the shared fixtures' two and three of tests/data), spoken
// by the Baker voice chosen for `zh` and heard back by Whisper base in Chinese; CER pooled over their 69
// characters. The bound is looser than the issue's 10% because the ASR is the limit here: Whisper base hears
// the five human recordings of these texts at 8.7% (6 of 69: 停滞 -> 停制, 滨海新区 -> 冰海星区, ...) and the
// voice at 10.1% (7 of 69, homophones of the same kind: 中介 -> 中界, 滨海新区 -> 冰海鲜区). Whisper small
// would be the better judge, but no registry carries it whole (third_party/versions.lock), so the set-up has
// none to hear with. See docs/architecture.md.
TEST_F(Speech, MandarinVoiceIsHeardBackByWhisperBase) {
  const std::vector<std::string> texts = {
      reference("zh/BAC009S0764W0121"), reference("zh/TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000"),
      test::read_text(test::test_data("speech/zh/aishell1_BAC009S0724W0121.txt")),
      test::read_text(test::test_data("speech/zh/funasr_asr_example.txt")),
      test::read_text(test::test_data("speech/zh/funasr_binhai_query.txt"))};
  EXPECT_LE(mandarin_heard_back(texts, "references",
                                [](size_t, const json& out, const std::string&) {
                                  EXPECT_EQ(out["voice"], "baker");
                                  EXPECT_EQ(out["engine"], "baker");
                                  EXPECT_FALSE(out["fallback"]);
                                  EXPECT_EQ(out["sample_rate"], 24000);
                                }),
            0.20);
}

// What Baker used to leave out or misread: Latin letters (named as Mandarin speakers name them), a minus, and
// 2 said 两 where it counts. Sentences of the kind a translated subtitle holds, heard back by Whisper base;
// digits in what it heard are read by the same rules as the text (tts/chinese_numbers.h), since Whisper
// writes numbers either way (两千 or 2000). That 两 is liang3 and not er4 is checked on the phones
// (mandarin_test.cc): the ASR writes both as 2. Measured: 8 errors in 82 characters (9.8%): GPU, AI, CEO,
// 两天, 2000元 heard right; 英伟达 -> 因为达 and 橘子 -> 局贞 (the ASR's kind of error, as above), and 负五度
// -> 覆度, where the voice runs fu4 into the initial-less wu3. With G as ji4 rather than ji1, GPU was heard
// as 及PU. A later fresh-clone run on a new machine (2026-12-04; the models convert byte for byte the same)
// heard 13 errors (15.9%), the same in every run there: Whisper base chose other homophones (她 -> 他, 气温
// -> 旗温, 下周 -> 下州, CEO -> 吸引欧). Why the machine changes them is not known; 82 characters through
// this ASR move by a few errors. The pooled bound sits over both; that letters are spoken as letters is
// checked on GPU and AI, heard as such in both.
TEST_F(Speech, MandarinLettersMinusAndLiangAreHeardBack) {
  const std::vector<std::string> texts = {
      "英伟达的GPU几乎垄断了AI训练市场。", "他们只用了2天就做完了这个项目。", "今天夜里最低气温-5度。",
      "这台电脑的价格是2000元。",          "我们公司的CEO下周会去北京。",     "她买了2个苹果和12个橘子。"};
  EXPECT_LE(mandarin_heard_back(texts, "letters",
                                [](size_t i, const json&, const std::string& heard) {
                                  if (i > 0) return;
                                  EXPECT_NE(heard.find("GPU"), std::string::npos) << heard;
                                  EXPECT_NE(heard.find("AI"), std::string::npos) << heard;
                                }),
            0.20);
}

// Issue 21's bar for Mandarin, CER <= 10%, on everyday sentences of the kind a dub speaks (written for this
// test, none from a recording: 232 characters, a larger sample than the five references above), heard back by
// Whisper base; digits in what it heard are read as the text reads them (it writes 五百米 as 500米). Measured
// (2026-12-04): 9 errors in 232 characters (3.9%): 吧 -> 白, 改变 -> 改编, 她 -> 他, 建议 -> 介意, and
// 终于建成通车了 -> 中一舰成通车轮, the ASR's homophones again.
TEST_F(Speech, MandarinVoiceSpeaksEverydaySentencesUnderTheIssuesBar) {
  const std::vector<std::string> texts = {"今天天气很好，我们一起去公园散步吧。",
                                          "这部电影讲述了一个普通人改变命运的故事。",
                                          "请在下一个路口向左转，然后直走五百米。",
                                          "他每天早上六点起床，先跑步再吃早饭。",
                                          "我们公司明年计划在上海开一家新的分店。",
                                          "这家餐厅的红烧肉做得特别好吃。",
                                          "孩子们在教室里认真地听老师讲课。",
                                          "如果明天下雨，比赛就会推迟到下周。",
                                          "她把手机忘在了出租车上，心里非常着急。",
                                          "经过三年的努力，这座大桥终于建成通车了。",
                                          "医生建议他多喝水，少熬夜。",
                                          "图书馆周末开放到晚上九点。",
                                          "这个问题我们需要开会再讨论一下。",
                                          "春节的时候，很多人都会回老家过年。",
                                          "欢迎收看本期节目，我们下次再见。"};
  EXPECT_LE(mandarin_heard_back(texts, "everyday"), 0.10);
}

// The ASCII letters of `text`, lower-cased, and the rest of it: "我用 iPhone 拍的" -> "iphone", "我用  拍的".
std::pair<std::string, std::string> split_latin(const std::string& text) {
  std::string latin, rest;
  for (const char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      latin += char(std::tolower(static_cast<unsigned char>(c)));
    } else {
      rest += c;
    }
  }
  return {latin, rest};
}

// English words inside Mandarin (issue 21: a dub's local LLM keeps them in its Chinese) are said by the
// English voice joe between Baker's Mandarin (tts/code_switch.h), in sentences of the kind a translation
// holds, heard back by Whisper base (language zh): the English word must come back as the Latin letters of
// the word (case aside, one edit allowed), and the Mandarin around it within the bound of the tests above.
// Measured (2026-12-04, 4 runs each): iPhone, YouTube and Starbucks heard every time; centuries in 2 of 4
// runs, the ASR writing Chinese leaving the Latin word out in the others ("这本书出版与几个之前"; Netflix
// likewise, though tiny.en hears joe's word alone), so one word of the four may be missed. Mandarin: 1 error
// in 40 characters (于 -> 与). "Gutenberg" is not among them: espeak-ng, which phonemizes for joe, says it
// "gyoo-ten-berg" (gj'u:t@nb3:g), heard as "Duton Bird".
TEST_F(Speech, EnglishWordsInsideMandarinAreSaidByTheEnglishVoice) {
  const std::vector<std::pair<std::string, std::string>> texts = {
      {"我用iPhone拍了这段视频。", "iphone"},
      {"他每天都在YouTube上看新闻。", "youtube"},
      {"我们明天去Starbucks喝咖啡。", "starbucks"},
      {"这本书出版于几个centuries之前。", "centuries"}};
  int words = 0, errors = 0, characters = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto& [text, word] = texts[i];
    const auto out =
        run({{"text", text}, {"language", "zh"}, {"output_path", "english" + std::to_string(i) + ".wav"}});
    EXPECT_EQ(out["voice"], "baker");
    EXPECT_EQ(out["english_voice"], "joe");
    EXPECT_EQ(out["sample_rate"], 24000);
    const media::AudioReader reader(out["audio_path"].get<std::string>(), 24000, 1, -1);
    EXPECT_NEAR(reader.duration(), out["duration"].get<double>(), 0.05);
    const std::string heard = hear(out["audio_path"], "zh");
    const auto [latin, mandarin] = split_latin(heard);
    const auto spelling = character_error_rate(word, latin);
    words += spelling.substitutions + spelling.deletions + spelling.insertions <= 1;
    const auto cer = character_error_rate(split_latin(text).second, mandarin);
    errors += cer.substitutions + cer.deletions + cer.insertions;
    characters += cer.reference_units;
    std::printf("[tts] baker+joe %s: %.2f s, CER %.3f (%s)\n", text.c_str(), out["duration"].get<double>(),
                cer.rate, heard.c_str());
  }
  EXPECT_GE(words, 3) << "English words heard back";
  ASSERT_GT(characters, 0);
  EXPECT_LE(double(errors) / characters, 0.20) << errors << " errors in " << characters << " characters";
}

TEST_F(Speech, SpeedAppliesToBothVoicesOfAMixedSentence) {
  const std::string text = "我们明天去Starbucks喝咖啡。";
  const double normal = run({{"text", text}, {"language", "zh"}})["duration"];
  const double fast = run({{"text", text}, {"language", "zh"}, {"speed", 1.5}})["duration"];
  EXPECT_LT(fast, normal * 0.8) << normal << " vs " << fast;
}

// An untranslated line (English alone) given to the Mandarin voice is said by the English voice, which a
// dubbing wants rather than a refusal (the node refused it before, and still does without an English voice:
// below), at Baker's speech level (-21 dBFS, tts/code_switch.cc; joe's own is 2-4 dB lower).
TEST_F(Speech, AnEnglishLineForTheMandarinVoiceIsSaidInEnglishAtItsLevel) {
  const std::string text = "Good morning, how are you today?";
  const auto out = run({{"text", text}, {"language", "zh"}});
  EXPECT_EQ(out["voice"], "baker");
  EXPECT_EQ(out["english_voice"], "joe");
  const std::string heard = hear(out["audio_path"], "en");
  EXPECT_LE(word_error_rate(text, heard).rate, 0.2) << heard;
  const auto audio = media::decode_audio(out["audio_path"].get<std::string>(), 24000);
  EXPECT_NEAR(20 * std::log10(tts::speech_level(audio.samples, 24000)), -21.0, 1.0);
}

// Points the model folder at one holding only the Mandarin voice, while it lives.
class WithoutEnglishVoice {
 public:
  explicit WithoutEnglishVoice(const fs::path& dir) : saved_(whisper::default_model_dir()) {
    fs::create_directories(dir / "tts");
    fs::create_directory_symlink(saved_ / "tts" / "baker", dir / "tts" / "baker");
    setenv("YIVIDEO_MODEL_DIR", dir.c_str(), 1);
  }
  ~WithoutEnglishVoice() { setenv("YIVIDEO_MODEL_DIR", saved_.c_str(), 1); }

 private:
  fs::path saved_;
};

// Without an English voice installed, the Mandarin voice spells English words letter by letter as before, and
// the output says so (english_voice null); a line of English alone is refused as before. Spoken by joe, the
// sentence whose spelling made a dub's segment overrun its slot (bench/RESULTS.md, the dub preset) is
// shorter: measured 3.20-3.32 s spoken against 4.36 s spelled (13 syllables for C-E-N-T-U-R-I-E-S).
TEST_F(Speech, WithoutAnEnglishVoiceEnglishWordsAreSpelledAndTheOutputSaysSo) {
  const std::string text = "这本书出版于几个centuries之前。";
  const double spoken = run({{"text", text}, {"language", "zh"}})["duration"];
  const WithoutEnglishVoice only_baker(dir_ / "models");
  const auto spelled = run({{"text", text}, {"language", "zh"}, {"output_path", "spelled.wav"}});
  EXPECT_EQ(spelled["voice"], "baker");
  EXPECT_TRUE(spelled["english_voice"].is_null()) << spelled.dump();
  EXPECT_LT(spoken, spelled["duration"].get<double>() - 0.5);
  std::printf("[tts] %s: %.2f s spoken by joe, %.2f s spelled\n", text.c_str(), spoken,
              spelled["duration"].get<double>());
  EXPECT_EQ(error_code({{"text", "Good morning!"}, {"language", "zh"}}), "invalid_parameter");
}

// One sentence of 440 characters without a comma, spoken at once (the node's largest piece): over the voice's
// 2048 mel frames, so the voice speaks it in pieces (tts/mandarin.h split_phones) instead of failing.
TEST_F(Speech, AVeryLongMandarinSentenceIsSpoken) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "我们今天一起去公园散步";
  const auto out = run({{"text", text}, {"language", "zh"}, {"max_text_tokens_per_segment", 1000}});
  EXPECT_EQ(out["segments"], 1);
  EXPECT_GT(out["duration"].get<double>(), 2048 * 300 / 24000.0);
}

TEST_F(Speech, OutputDescribesTheAudioWritten) {
  const std::string text = "Good morning. How are you today?";
  const auto out = run({{"text", text}, {"voice", "joe"}});
  const media::AudioReader reader(out["audio_path"].get<std::string>(), 22050, 1, -1);
  EXPECT_NEAR(reader.duration(), out["duration"].get<double>(), 0.05);
  EXPECT_EQ(out["text_length"], text.size());
  EXPECT_EQ(out["segments"], 2);  // two sentences, spoken one by one
  EXPECT_EQ(out["sample_rate"], 22050);
  EXPECT_FALSE(out["fallback"]);
}

TEST_F(Speech, ALongSentenceIsCutAtItsClauses) {
  const std::string text =
      "When the sun rose over the hills, the farmers went out to the fields, and the children ran to school.";
  EXPECT_EQ(run({{"text", text}, {"voice", "joe"}})["segments"], 1);
  EXPECT_GE(run({{"text", text}, {"voice", "joe"}, {"max_text_tokens_per_segment", 40}})["segments"], 3);
}

TEST_F(Speech, FasterSpeedGivesShorterAudio) {
  const std::string text = "The quick brown fox jumps over the lazy dog.";
  const double normal = run({{"text", text}, {"voice", "joe"}})["duration"];
  const double fast = run({{"text", text}, {"voice", "joe"}, {"speed", 1.5}})["duration"];
  EXPECT_LT(fast, normal * 0.8) << normal << " vs " << fast;
}

TEST_F(Speech, ALanguageWithoutANeuralVoiceFallsBackToEspeakAndSaysSo) {
  const auto out = run({{"text", "Guten Morgen, wie geht es Ihnen?"}, {"language", "de"}});
  EXPECT_EQ(out["voice"], "espeak-ng");
  EXPECT_EQ(out["engine"], "espeak-ng");
  EXPECT_TRUE(out["fallback"]);
  EXPECT_GT(out["duration"].get<double>(), 1.0);
}

TEST_F(Speech, EnglishWithoutAVoiceGetsTheNeuralVoice) {
  const auto out = run({{"text", "Hello there."}, {"language", "en"}});
  EXPECT_EQ(out["voice"], "joe");
  EXPECT_FALSE(out["fallback"]);
}

// Refused before anything runs (the registry's cross_check, as at submit), each with a sentence that says
// why.
TEST_F(Speech, BadRequestsAreRefusedWithAReason) {
  const auto refused = [&](const json& given, const std::string& says) {
    try {
      run(given);
      ADD_FAILURE() << given.dump() << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "invalid_parameter") << given.dump();
      EXPECT_EQ(e.http_status(), 400);
      EXPECT_NE(e.detail().find(says), std::string::npos) << e.detail();
    }
  };
  refused({{"text", "Hello."}, {"voice", "nobody"}}, "no voice 'nobody' is installed");
  refused({{"text", "Hello."}, {"language", "tlh"}}, "no voice speaks 'tlh'");
  refused({{"text", "你好。"}, {"voice", "espeak-ng"}, {"language", "zh"}}, "no voice speaks 'zh'");
  refused({{"text", "你好"}, {"voice", "joe"}, {"language", "zh"}}, "speaks 'en', not 'zh'");
  refused({{"text", "Hello."}, {"spk_audio_prompt", "me.wav"}}, "no package registry ships one");
  refused({{"text", "  \n"}}, "'text' is empty");
  refused({{"text", "... !!!"}}, "nothing to speak");
  refused({{"text", "Hello."}, {"output_path", "../x.wav"}}, "output_path");
  refused({{"text", "Hello."}, {"output_path", "speech.ogg"}}, "output_path");
  refused({{"text", "Hello."}, {"speed", 5}}, "speed");
  refused({{"text", std::string(100001, 'a')}}, "longer than");
}

// Batch mode: the dubbing segments of wservice.prepare_tts_segments, one file each, listed in the form
// ffmpeg.fit_dubbing reads.
const json kPrepared = json::array(
    {{{"id", 0},
      {"start", 0.5},
      {"end", 3.0},
      {"text", "Good morning, everyone."},
      {"speaker", "SPEAKER_00"}},
     {{"id", 1}, {"start", 4.0}, {"end", 7.5}, {"text", "The meeting starts at ten. Please be on time."}}});

TEST_F(Speech, WithoutTextEachPreparedSegmentIsSpokenIntoAFileOfItsOwn) {
  const auto out = run({{"prepared_segments", kPrepared}, {"voice", "joe"}});
  ASSERT_EQ(out["tts_segments"].size(), 2u) << out.dump();
  EXPECT_EQ(out["segments_count"], 2);
  EXPECT_EQ(out["segments"], 3);  // sentences spoken
  EXPECT_EQ(out["audio_files"].size(), 2u);
  EXPECT_FALSE(out.contains("audio_path"));
  double total = 0;
  for (size_t i = 0; i < 2; ++i) {
    const json& s = out["tts_segments"][i];
    EXPECT_EQ(s["start"], kPrepared[i]["start"]);
    EXPECT_EQ(s["end"], kPrepared[i]["end"]);
    EXPECT_EQ(s["text"], kPrepared[i]["text"]);
    EXPECT_EQ(s["audio_path"], out["audio_files"][i]);
    const media::AudioReader reader(s["audio_path"].get<std::string>(), 22050, 1, -1);
    EXPECT_NEAR(reader.duration(), s["duration"].get<double>(), 0.05);
    EXPECT_GT(reader.duration(), 1.0);
    total += s["duration"].get<double>();
  }
  EXPECT_EQ(out["tts_segments"][0]["speaker"], "SPEAKER_00");
  EXPECT_NEAR(out["duration"].get<double>(), total, 1e-6);
  EXPECT_EQ(fs::path(out["audio_files"][1].get<std::string>()).filename(), "speech_0001.wav");
}

// A dub chain's transcription outputs `text` (the source language's words), which the speech stage is also
// given by the upstream fallback: the prepared segments are what it speaks.
TEST_F(Speech, PreparedSegmentsComeBeforeAnEarlierStagesText) {
  const std::vector<engine::EarlierStage> earlier = {
      {"faster_whisper.transcribe_audio", {{"text", "This is the source language."}, {"language", "en"}}},
      {"wservice.prepare_tts_segments", {{"prepared_segments", kPrepared}}}};
  const auto& node = nodes_.get(node_);
  // A transcript longer than a text the node would speak whole does not matter either.
  const std::string transcript(200000, 'a');
  const std::vector<engine::EarlierStage> long_text = {
      earlier[1], {"faster_whisper.transcribe_audio", {{"text", transcript}}}};
  const json params = engine::stage_inputs(nodes_, node, {{"voice", "joe"}}, json::object(), long_text);
  ASSERT_TRUE(params.contains("text"));
  const std::function<void(double)> progress = [](double) {};
  const std::atomic<bool> cancelled{false};
  const json out = node.run({params, progress, cancelled, dir_});
  EXPECT_EQ(out["segments_count"], 2);
  EXPECT_FALSE(out.contains("audio_path"));
}

TEST_F(Speech, BadSegmentsAreRefusedTogetherBeforeAnyIsSpoken) {
  json segments = kPrepared;
  segments.push_back({{"start", 9.0}, {"end", 8.0}, {"text", "Backwards."}});
  segments.push_back({{"start", 10.0}, {"end", 12.0}, {"text", "... !!!"}});
  segments.push_back({{"start", 13.0}, {"end", 14.0}});
  try {
    run({{"prepared_segments", segments}, {"voice", "joe"}});
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "invalid_parameter");
    for (const char* says :
         {"prepared_segments[2] needs end >= start", "prepared_segments[3]: 'text' has nothing",
          "prepared_segments[4]: 'text' has nothing"})
      EXPECT_NE(e.detail().find(says), std::string::npos) << e.detail();
    EXPECT_EQ(e.detail().find("prepared_segments[0]"), std::string::npos) << e.detail();
  }
  EXPECT_TRUE(fs::is_empty(dir_)) << "files were written for a refused batch";
  EXPECT_EQ(error_code(json::object()), "missing_input");  // neither text nor segments
}

// Cancelled after the first segment: the files already spoken go too, so no later stage finds half a dub.
TEST_F(Speech, ABatchStoppedHalfWayLeavesNoFiles) {
  const auto& node = nodes_.get(node_);
  const json params = nodes_.resolve_params(node, {{"prepared_segments", kPrepared}, {"voice", "joe"}});
  std::atomic<bool> cancelled{false};
  const std::function<void(double)> progress = [&](double f) { cancelled = cancelled || f >= 0.5; };
  try {
    node.run({params, progress, cancelled, dir_});
    ADD_FAILURE() << "not cancelled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "cancelled");
  }
  EXPECT_TRUE(fs::is_empty(dir_)) << "a cancelled batch left files";
}

class VoicePresets : public test::NodeTest {
 protected:
  VoicePresets() : NodeTest("indextts.list_voice_presets", "yivideo-tts-presets") {}
};

TEST_F(VoicePresets, ListsTheInstalledVoicesAndEspeak) {
  const auto out = run(json::object());
  EXPECT_TRUE(out["presets"].contains("joe")) << out.dump();
  EXPECT_TRUE(out["presets"].contains("baker")) << out.dump();
  EXPECT_TRUE(out["presets"].contains("espeak-ng")) << out.dump();
  EXPECT_EQ(out["total_count"], out["presets"].size());
}

TEST_F(VoicePresets, ALanguageListsOnlyTheVoicesThatSpeakIt) {
  EXPECT_EQ(run({{"language", "en"}})["presets"].size(), 2);  // joe, and espeak-ng's English
  const auto german = run({{"language", "de"}});
  EXPECT_EQ(german["total_count"], 1);
  EXPECT_TRUE(german["presets"].contains("espeak-ng"));
  const auto mandarin = run({{"language", "zh"}});  // the Baker voice; espeak-ng's Chinese is refused
  EXPECT_EQ(mandarin["total_count"], 1);
  EXPECT_TRUE(mandarin["presets"].contains("baker")) << mandarin.dump();
}

}  // namespace
}  // namespace yv::indextts

// Real Whisper inference on real speech: the converted tiny.en model must transcribe the shared clips and the
// synthesised meeting within the accuracy the foundation promises.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/wer.h"
#include "media/audio_decoder.h"
#include "media/audio_writer.h"
#include "nodes/builtin_nodes.h"
#include "nodes/whisper/long_form.h"
#include "nodes/whisper/model.h"
#include "support/fixtures.h"
#include "support/signals.h"

namespace yv::whisper {
namespace {

Transcript transcribe(const std::string& path, const TranscribeOptions& options = {}) {
  return test::default_model().transcribe(media::decode_audio(path), options);
}

void expect_wer_at_most(const std::string& media, const std::string& reference_file, double limit) {
  const Transcript t = transcribe(media);
  const WerResult wer = word_error_rate(test::read_text(reference_file), t.text());
  EXPECT_LE(wer.rate, limit) << "hypothesis: " << t.text() << "\nsubstitutions " << wer.substitutions
                             << ", deletions " << wer.deletions << ", insertions " << wer.insertions;
}

TEST(Transcribe, JfkWithinTenPercentWer) {
  expect_wer_at_most(test::shared_fixture("jfk.wav"), test::shared_fixture("jfk.txt"), 0.10);
}

TEST(Transcribe, LibriSpeechClipsWithinTenPercentWer) {
  expect_wer_at_most(test::shared_fixture("another_door.wav"), test::shared_fixture("another_door.txt"),
                     0.10);
  expect_wer_at_most(test::shared_fixture("1272-128104-0000.wav"),
                     test::shared_fixture("1272-128104-0000.txt"), 0.10);
}

TEST(Transcribe, SynthesizedMeetingVideoWithinFifteenPercentWer) {
  expect_wer_at_most(test::synth_fixture("meeting.mp4"), test::synth_fixture("meeting.txt"), 0.15);
}

TEST(Transcribe, SegmentsAndWordsAreOrderedAndInsideTheAudio) {
  const Transcript t = transcribe(test::shared_fixture("jfk.wav"));
  ASSERT_FALSE(t.segments.empty());
  EXPECT_EQ(t.language, "en");
  EXPECT_DOUBLE_EQ(t.duration, 11.0);
  double last_end = 0;
  size_t words = 0;
  for (const auto& s : t.segments) {
    EXPECT_LE(s.start, s.end);
    EXPECT_LE(s.end, t.duration + 0.01);
    for (const auto& w : s.words) {
      EXPECT_GE(w.start, last_end - 0.01) << w.word;
      EXPECT_LE(w.start, w.end) << w.word;
      EXPECT_GE(w.probability, 0.0);
      EXPECT_LE(w.probability, 1.0);
      last_end = w.end;
      words++;
    }
  }
  EXPECT_GE(words, 20u);  // the reference has 22 words
}

TEST(Transcribe, LongFormChunksJoinIntoOneOrderedTranscript) {
  // Chunks of 6 s force three cuts into the 19.5 s meeting, as 5-minute chunks would into an hour.
  std::vector<double> seen;
  const Transcript t =
      transcribe_file(test::default_model(), test::synth_fixture("meeting.mp4"), {},
                      [&](double f) { seen.push_back(f); }, {.chunk_seconds = 6, .search_seconds = 2});
  EXPECT_NEAR(t.duration, 19.5, 0.1);
  const WerResult wer = word_error_rate(test::read_text(test::synth_fixture("meeting.txt")), t.text());
  EXPECT_LE(wer.rate, 0.2) << t.text();
  double last_end = 0;
  for (size_t i = 0; i < t.segments.size(); ++i) {
    const Segment& s = t.segments[i];
    EXPECT_EQ(s.id, int(i));
    EXPECT_GE(s.start, last_end - 0.05) << s.text;
    EXPECT_LE(s.end, t.duration + 0.05) << s.text;
    for (const auto& w : s.words) {
      EXPECT_GE(w.start, s.start - 0.05) << w.word;
      EXPECT_LE(w.end, s.end + 0.05) << w.word;
    }
    last_end = s.end;
  }
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);
}

TEST(Transcribe, ChunksDecodedSideBySideGiveTheTranscriptOfOneAtATime) {
  // Chunks are independent (no text carried between them), so decoding two at once changes only the speed.
  const auto run = [](int lanes) {
    return transcribe_file(test::default_model(), test::synth_fixture("meeting.mp4"), {.threads = 2}, nullptr,
                           {.chunk_seconds = 6, .search_seconds = 2, .lanes = lanes});
  };
  const Transcript one = run(1), two = run(2);
  ASSERT_EQ(one.segments.size(), two.segments.size()) << one.text() << "\n" << two.text();
  EXPECT_FALSE(one.segments.empty());
  for (size_t i = 0; i < one.segments.size(); ++i) {
    EXPECT_EQ(one.segments[i].text, two.segments[i].text);
    EXPECT_DOUBLE_EQ(one.segments[i].start, two.segments[i].start);
    EXPECT_DOUBLE_EQ(one.segments[i].end, two.segments[i].end);
  }
}

// condition_on_previous_text=false: no 30 s window is primed with the text of the ones before it (within one
// call whisper.cpp carries that text unless its text budget is zero; no_context alone only forgets earlier
// calls, and the switch changed nothing). Which words change depends on the input: on this minute they do.
TEST(Transcribe, WithoutPreviousTextTheSecondWindowIsNotPrimedWithTheFirst) {
  const nlohmann::json script =
      nlohmann::json::parse(test::read_text(test::synth_fixture("conversation3.json")));
  std::string reference;
  double cut = 0;
  for (const auto& turn : script["turns"]) {
    if (turn["end"].get<double>() > 58) break;
    reference += turn["text"].get<std::string>() + " ";
    cut = turn["end"].get<double>() + 0.2;
  }
  media::Audio audio = media::decode_audio(test::synth_fixture("conversation3.wav"));
  audio.samples.resize(size_t(cut * 16000));  // two windows, cut after a turn
  TranscribeOptions options{.language = "en", .beam_size = 1};
  const Transcript primed = test::default_model().transcribe(audio, options);
  options.condition_on_previous_text = false;
  const Transcript alone = test::default_model().transcribe(audio, options);
  EXPECT_NE(primed.text(), alone.text()) << "the switch changed nothing";
  EXPECT_LE(word_error_rate(reference, primed.text()).rate, 0.15) << primed.text();
  EXPECT_LE(word_error_rate(reference, alone.text()).rate, 0.15) << alone.text();
}

// Writes `samples` (16 kHz mono) as a WAV file in a scratch place and returns its path.
std::string wav_of(const std::vector<float>& samples, const std::string& name) {
  const std::string path = test::scratch_path(name).append(".wav");
  media::AudioWriter writer(path, "wav", 16000, 1);
  writer.write(samples.data(), samples.size());
  writer.finish();
  return path;
}

TEST(Transcribe, VadFilterInventsNothingForSilenceHissOrMusic) {
  for (const auto& [name, samples] :
       {std::pair{"silence", std::vector<float>(16000 * 20, 0.0f)}, std::pair{"hiss", test::hiss(20, 0.003f)},
        std::pair{"loud-hiss", test::hiss(20, 0.3f)}, std::pair{"music", test::music(20)}}) {
    const std::string path = wav_of(samples, std::string("yivideo-vad-") + name);
    const Transcript t = transcribe_file(test::default_model(), path, {}, nullptr, {.vad_filter = true});
    EXPECT_TRUE(t.segments.empty()) << name << ": " << t.text();
    EXPECT_NEAR(t.duration, 20.0, 0.01);
    EXPECT_EQ(t.language, "en");
    std::filesystem::remove(path);
  }
}

TEST(Transcribe, VadFilterInventsNothingForRealMusicNoiseOrRoomTone) {
  for (const char* name : {"music_brahms_hungarian_dance_5", "music_macleod_vibe_ace",
                           "noise_doing_the_dishes", "roomtone_ami_trn02"}) {
    const Transcript t =
        transcribe_file(test::default_model(), test::test_data(std::string("speech/none/") + name + ".flac"),
                        {}, nullptr, {.vad_filter = true});
    EXPECT_TRUE(t.segments.empty()) << name << ": " << t.text();
  }
}

TEST(Transcribe, VadFilterKeepsTheOriginalTimeLine) {
  // Eight seconds of silence, then the JFK clip: the speech must be placed after the silence, and read as
  // well.
  std::vector<float> samples(16000 * 8, 0.0f);
  const auto jfk = media::decode_audio(test::shared_fixture("jfk.wav")).samples;
  samples.insert(samples.end(), jfk.begin(), jfk.end());
  const std::string path = wav_of(samples, "yivideo-vad-jfk");
  const Transcript t = transcribe_file(test::default_model(), path, {}, nullptr, {.vad_filter = true});
  ASSERT_FALSE(t.segments.empty());
  EXPECT_GE(t.segments.front().start, 7.8);
  EXPECT_LE(t.segments.back().end, t.duration + 0.01);
  EXPECT_GE(t.segments.front().words.front().start, 7.8);
  EXPECT_LE(word_error_rate(test::read_text(test::shared_fixture("jfk.txt")), t.text()).rate, 0.1)
      << t.text();
  std::filesystem::remove(path);
}

TEST(Transcribe, VadFilterKeepsQuietSpeech) {
  // JFK at RMS 0.01 (recorded at 0.14), as quiet as a far microphone in a meeting: the VAD keeps it all.
  const auto jfk = media::decode_audio(test::shared_fixture("jfk.wav")).samples;
  const std::string path = wav_of(test::scaled_to_rms(jfk, 0.01), "yivideo-vad-quiet-jfk");
  const Transcript t = transcribe_file(test::default_model(), path, {}, nullptr, {.vad_filter = true});
  EXPECT_LE(word_error_rate(test::read_text(test::shared_fixture("jfk.txt")), t.text()).rate, 0.1)
      << t.text();
  std::filesystem::remove(path);
}

TEST(TranscribeNode, TemperatureListAndHotwordsAsFasterWhisperTakesThem) {
  const engine::NodeRegistry nodes = builtin_nodes();
  const engine::NodeSpec& node = nodes.get("faster_whisper.transcribe_audio");
  const std::string dir = test::scratch_path("yivideo-node-params");
  std::filesystem::create_directories(dir);
  const std::atomic<bool> cancelled{false};
  const std::function<void(double)> progress = [](double) {};
  const auto run = [&](const nlohmann::json& given) {
    const nlohmann::json params = nodes.resolve_params(node, given);
    return node.run({params, progress, cancelled, dir});
  };
  const auto out = run({{"video_path", test::shared_fixture("jfk.wav")},
                        {"temperature", {0.0}},
                        {"hotwords", "Americans country"},
                        {"beam_size", 1}});
  EXPECT_LE(
      word_error_rate(test::read_text(test::shared_fixture("jfk.txt")), out["text"].get<std::string>()).rate,
      0.1)
      << out["text"];
  for (const nlohmann::json& bad : {nlohmann::json::array(), nlohmann::json{0.6, 0.2}, nlohmann::json{1.5}}) {
    try {
      run({{"video_path", test::shared_fixture("jfk.wav")}, {"temperature", bad}});
      ADD_FAILURE() << bad.dump() << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "invalid_parameter") << bad.dump();
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(Transcribe, ReportsProgressUpToCompletion) {
  std::vector<double> seen;
  test::default_model().transcribe(media::decode_audio(test::shared_fixture("another_door.wav")), {},
                                   [&](double f) { seen.push_back(f); });
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);
}

TEST(Transcribe, JsonHasTheSegmentsFileShape) {
  const auto j = to_json(transcribe(test::shared_fixture("another_door.wav")));
  for (const char* key : {"language", "language_probability", "duration", "segments"})
    EXPECT_TRUE(j.contains(key));
  const auto& seg = j["segments"].at(0);
  for (const char* key : {"id", "start", "end", "text", "avg_logprob", "no_speech_prob", "words"}) {
    EXPECT_TRUE(seg.contains(key)) << key;
  }
  for (const char* key : {"start", "end", "word", "probability"})
    EXPECT_TRUE(seg["words"].at(0).contains(key));
}

TEST(Transcribe, EnglishOnlyModelRefusesToTranslate) {
  TranscribeOptions o;
  o.task = "translate";
  try {
    transcribe(test::shared_fixture("another_door.wav"), o);
    FAIL() << "translate on tiny.en should fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "invalid_parameter");
  }
}

TEST(Transcribe, AudioAtTheWrongRateIsRejected) {
  const auto audio = media::decode_audio(test::shared_fixture("another_door.wav"), 8000);
  EXPECT_THROW(test::default_model().transcribe(audio, {}), Error);
}

TEST(Transcribe, NonModelFileFailsToLoadWithAClearError) {
  try {
    Model::load(test::shared_fixture("jfk.txt"), false);
    FAIL() << "loading a text file as a model should fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "model_load_failed");
  }
}

}  // namespace
}  // namespace yv::whisper

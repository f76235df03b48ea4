// The subtitle toolkit (wservice.*, ffmpeg.split_audio_segments, pyannote_audio helpers) on real outputs of
// the real nodes: jfk.wav and a Mandarin clip transcribed by Whisper, and a real two-person meeting excerpt
// (AMI, tests/data) transcribed and diarized.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"
#include "core/files.h"
#include "media/audio_decoder.h"
#include "nodes/builtin_nodes.h"
#include "nodes/diarize/turns.h"
#include "nodes/subtitles/cues.h"
#include "nodes/wservice/align.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/node_test.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

json read_json_file(const std::string& path) { return json::parse(read_file(path)); }

// The outputs of the real transcription and diarization, each computed once for the whole binary when a test
// first needs it.
json produce(const std::string& name, const std::string& stage, const json& given) {
  static const auto nodes = builtin_nodes();
  static const fs::path dir =
      fs::temp_directory_path() / ("yivideo-wservice-real-" + std::to_string(getpid()));
  static const bool cleanup = [] { return std::atexit([] { fs::remove_all(dir); }) == 0; }();
  (void)cleanup;
  const auto& node = nodes.get(name);
  const json params = nodes.resolve_params(node, given);
  const std::function<void(double)> progress = [](double) {};
  const std::atomic<bool> cancelled{false};
  const fs::path work = dir / stage;
  fs::create_directories(work);
  return node.run({params, progress, cancelled, work});
}

const std::string kMeeting = "speech/en/ami_dev00.flac";  // AMI: two people, 30 s, reference turns beside it

// Namespaced statics: each output is computed on first use.
struct Real {
  static const json& jfk() {
    static const json out = produce("faster_whisper.transcribe_audio", "jfk",
                                    {{"audio_path", shared_fixture("jfk.wav")}, {"language", "en"}});
    return out;
  }
  static const json& zh() {
    static const json out =
        produce("faster_whisper.transcribe_audio", "zh",
                {{"audio_path", shared_fixture("zh/BAC009S0764W0121.wav")}, {"language", "zh"}});
    return out;
  }
  static const json& meeting() {
    static const json out = produce("faster_whisper.transcribe_audio", "meeting",
                                    {{"audio_path", test_data(kMeeting)}, {"language", "en"}});
    return out;
  }
  static const json& diarization() {
    static const json out = produce("pyannote_audio.diarize_speakers", "diarize",
                                    {{"audio_path", test_data(kMeeting)}, {"speaker_count", 2}});
    return out;
  }
};

class ToolkitTest : public NodeTest {
 protected:
  ToolkitTest() : NodeTest("wservice.merge_speaker_segments", "yivideo-wservice") {}
  json run_node(const std::string& name, const json& given) {
    node_ = name;
    return run(given);
  }
  std::string error_of(const std::string& name, const json& given) {
    node_ = name;
    return error_code(given);
  }
  static std::string segments(const json& transcription) { return transcription["segments_file"]; }
  static std::string diarization() { return Real::diarization()["diarization_file"]; }
  // Every word of a segments file, in order.
  static std::vector<json> words_of(const std::string& file) {
    std::vector<json> words;
    const json transcript = read_json_file(file);
    for (const auto& s : transcript["segments"]) {
      for (const auto& w : s.value("words", json::array())) words.push_back(w);
    }
    return words;
  }
};

// The share of the words' time whose speaker label, mapped to the reference speaker it meets most, is the
// reference speaker at the word (AMI's turns for ami_dev00).
double agreement(const std::vector<json>& words) {
  const auto truth = diarize::parse_rttm(read_file(test_data("speech/en/ami_dev00.rttm")));
  std::map<std::pair<std::string, std::string>, double> together;
  double total = 0;
  for (const auto& w : words) {
    const double start = w["start"], end = w["end"], mid = (start + end) / 2;
    for (const auto& t : truth) {
      if (t.start <= mid && mid < t.end) {
        together[{w["speaker"], t.speaker}] += end - start;
        total += end - start;
        break;
      }
    }
  }
  std::map<std::string, double> best;
  for (const auto& [pair, seconds] : together) best[pair.first] = std::max(best[pair.first], seconds);
  double agreed = 0;
  for (const auto& [label, seconds] : best) agreed += seconds;
  return total > 0 ? agreed / total : 0;
}

TEST_F(ToolkitTest, MergeSpeakerSegmentsGivesEverySegmentASpeakerOfTheDiarization) {
  const json out = run_node("wservice.merge_speaker_segments", {{"segments_file", segments(Real::meeting())},
                                                                {"diarization_file", diarization()}});
  const json transcript = read_json_file(segments(Real::meeting()));
  const json& merged = out["merged_segments"];
  ASSERT_EQ(merged.size(), transcript["segments"].size());
  EXPECT_EQ(out["input_summary"]["transcript_segments_count"], merged.size());
  EXPECT_EQ(out["input_summary"]["merged_segments_count"], merged.size());
  EXPECT_EQ(out["input_summary"]["speaker_segments_count"], read_json_file(diarization())["segments"].size());
  std::set<std::string> speakers;
  for (size_t i = 0; i < merged.size(); ++i) {
    EXPECT_EQ(merged[i]["text"], transcript["segments"][i]["text"]);
    EXPECT_EQ(merged[i]["start"], transcript["segments"][i]["start"]);
    ASSERT_TRUE(merged[i].contains("speaker")) << merged[i].dump();
    speakers.insert(merged[i]["speaker"].get<std::string>());
    EXPECT_GE(merged[i]["speaker_confidence"].get<double>(), 0.0);
    EXPECT_LE(merged[i]["speaker_confidence"].get<double>(), 1.0);
  }
  EXPECT_EQ(speakers, (std::set<std::string>{"SPEAKER_00", "SPEAKER_01"}));
  // Inline turns (speaker_segments_data) give the same answer as the file.
  const json inline_turns = run_node("wservice.merge_speaker_segments",
                                     {{"segments_file", segments(Real::meeting())},
                                      {"speaker_segments_data", read_json_file(diarization())["segments"]}});
  EXPECT_EQ(inline_turns["merged_segments"], merged);
}

TEST_F(ToolkitTest, MergeWithWordTimestampsSplitsAtSpeakerChangesAndKeepsEveryWord) {
  const json out =
      run_node("wservice.merge_with_word_timestamps",
               {{"segments_file", segments(Real::meeting())}, {"diarization_file", diarization()}});
  const std::string file = out["merged_segments_file"];
  EXPECT_EQ(out["segments_file"], file);
  const auto before = words_of(segments(Real::meeting()));
  const auto after = words_of(file);
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i]["word"], before[i]["word"]);
    EXPECT_EQ(after[i]["start"], before[i]["start"]);
  }
  const json merged = read_json_file(file);
  EXPECT_EQ(merged["produced_by"], "wservice.merge_with_word_timestamps");
  EXPECT_GE(merged["segments"].size(), read_json_file(segments(Real::meeting()))["segments"].size());
  for (const auto& s : merged["segments"]) {  // one speaker per segment, the one of all its words
    ASSERT_TRUE(s.contains("speaker"));
    for (const auto& w : s["words"]) EXPECT_EQ(w["speaker"], s["speaker"]) << s.dump();
    EXPECT_EQ(s["start"], s["words"].front()["start"]);
    EXPECT_EQ(s["end"], s["words"].back()["end"]);
  }
  // Against the meeting's reference turns, with each label mapped to the reference speaker it meets most: the
  // word-level merge gives more of the speech to the right speaker than one speaker per segment does.
  const json by_segment =
      run_node("wservice.merge_speaker_segments",
               {{"segments_file", segments(Real::meeting())}, {"diarization_file", diarization()}});
  const double words_agree = agreement(after),
               segments_agree = agreement(words_of(by_segment["segments_file"]));
  std::cout << "speaker agreement with the reference: words " << words_agree << ", segments "
            << segments_agree << "\n";
  EXPECT_GE(words_agree, segments_agree);
  EXPECT_GE(words_agree, 0.7);
}

TEST_F(ToolkitTest, MergeNeedsWordsAndTurns) {
  json no_words = read_json_file(segments(Real::jfk()))["segments"];
  for (auto& s : no_words) s.erase("words");
  EXPECT_EQ(error_of("wservice.merge_with_word_timestamps",
                     {{"segments_data", no_words}, {"diarization_file", diarization()}}),
            "invalid_input");
  EXPECT_EQ(error_of("wservice.merge_speaker_segments", {{"segments_file", segments(Real::jfk())}}),
            "invalid_parameter");
  EXPECT_EQ(error_of("wservice.merge_speaker_segments", {{"diarization_file", diarization()}}),
            "invalid_parameter");
  // Not JSON, and a turn that ends before it starts.
  EXPECT_EQ(error_of("wservice.merge_speaker_segments",
                     {{"segments_file", shared_fixture("jfk.txt")}, {"diarization_file", diarization()}}),
            "invalid_input");
  EXPECT_EQ(error_of("wservice.merge_speaker_segments",
                     {{"segments_file", segments(Real::jfk())},
                      {"speaker_segments_data", {{{"start", 2.0}, {"end", 1.0}, {"speaker", "A"}}}}}),
            "invalid_parameter");  // refused with the parameters, before anything runs
}

// The words of jfk's transcript edited, with one inserted and one deleted: every word left as it was keeps
// its time to 10 ms, and the report names what was inserted and dropped.
TEST_F(ToolkitTest, RebuildKeepsTheTimesOfUnchangedWords) {
  const auto original = words_of(segments(Real::jfk()));
  ASSERT_GE(original.size(), 15u);
  std::string edited;
  std::vector<long> source;  // for each word of the edited text, the original word it is, or -1
  size_t inserted_at = 0;
  for (size_t i = 0; i < original.size(); ++i) {
    std::string w = original[i]["word"];
    w.erase(0, w.find_first_not_of(' '));
    if (i == 3) continue;  // deleted
    if (i == 6) w = "CHANGED";
    if (i == 9) {
      inserted_at = source.size();
      edited += " inserted";
      source.push_back(-1);
    }
    edited += " " + w;
    source.push_back(i == 6 ? -1 : long(i));
  }
  const json out = run_node("wservice.rebuild_subtitle_with_words",
                            {{"segments_file", segments(Real::jfk())}, {"optimized_text", edited}});
  const auto rebuilt = words_of(out["optimized_segments_file"]);
  ASSERT_EQ(rebuilt.size(), source.size());
  size_t kept = 0;
  for (size_t k = 0; k < source.size(); ++k) {
    if (source[k] < 0) continue;
    ++kept;
    const json& o = original[size_t(source[k])];
    EXPECT_NEAR(rebuilt[k]["start"].get<double>(), o["start"].get<double>(), 0.010) << o.dump();
    EXPECT_NEAR(rebuilt[k]["end"].get<double>(), o["end"].get<double>(), 0.010) << o.dump();
  }
  EXPECT_EQ(kept, original.size() - 2);
  const json report = read_json_file(out["report_file"]);
  EXPECT_EQ(report["inserted"], 1);
  EXPECT_EQ(report["deleted"], 1);
  EXPECT_EQ(report["edited"], 1);
  EXPECT_EQ(report["unaligned"][0]["text"], "inserted");
  // The inserted word lies between its neighbours.
  EXPECT_GE(rebuilt[inserted_at]["start"].get<double>(),
            rebuilt[inserted_at - 1]["end"].get<double>() - 1e-9);
  EXPECT_LE(rebuilt[inserted_at]["end"].get<double>(),
            rebuilt[inserted_at + 1]["start"].get<double>() + 1e-9);
  // Cues within the limits, in the transcription's shape, readable by the subtitle node.
  const json subtitles = run_node("wservice.generate_subtitle_files",
                                  {{"segments_file", out["segments_file"]}, {"formats", {"srt"}}});
  EXPECT_GE(subtitles["compliance"]["share"].get<double>(), 0.99) << subtitles["compliance"].dump();
}

TEST_F(ToolkitTest, RebuildAlignsChineseByCharacter) {
  const json transcript = read_json_file(segments(Real::zh()));
  std::string text;
  for (const auto& s : transcript["segments"]) text += s["text"].get<std::string>();
  // The clip says 甚至出现交易几乎停滞的情况: two characters replaced, punctuation added.
  const auto tokens = wservice::tokenize(text);
  ASSERT_GE(tokens.size(), 8u) << text;
  std::string edited = text.substr(0, tokens[2].begin) + "发生" + text.substr(tokens[3].end) + "。";
  const json out = run_node("wservice.rebuild_subtitle_with_words",
                            {{"segments_file", segments(Real::zh())}, {"optimized_text", edited}});
  const json report = read_json_file(out["report_file"]);
  EXPECT_EQ(report["edited"], 2) << report.dump();
  EXPECT_EQ(report["inserted"], 0);
  EXPECT_EQ(report["deleted"], 0);
  const json rebuilt = read_json_file(out["optimized_segments_file"]);
  EXPECT_EQ(rebuilt["language"], "zh");
  std::string joined;
  for (const auto& s : rebuilt["segments"]) joined += s["text"].get<std::string>();
  EXPECT_EQ(joined, edited);
  // The first character keeps the start of the first word.
  EXPECT_NEAR(rebuilt["segments"][0]["words"][0]["start"].get<double>(),
              transcript["segments"][0]["words"][0]["start"].get<double>(), 0.010);
}

TEST_F(ToolkitTest, RebuildRefusesTextItCannotUse) {
  const json base = {{"segments_file", segments(Real::jfk())}};
  EXPECT_EQ(error_of("wservice.rebuild_subtitle_with_words", base), "invalid_parameter");
  json empty = base;
  empty["optimized_text"] = " ,。 ";
  EXPECT_EQ(error_of("wservice.rebuild_subtitle_with_words", empty), "invalid_input");
  const auto bad = dir_ / "latin1.txt";
  write_file_atomically(bad, "caf\xe9 au lait");
  json file = base;
  file["optimized_text_file"] = bad.string();
  EXPECT_EQ(error_of("wservice.rebuild_subtitle_with_words", file), "invalid_input");
  file["optimized_text_file"] = (dir_ / "missing.txt").string();
  EXPECT_EQ(error_of("wservice.rebuild_subtitle_with_words", file), "file_not_found");
}

TEST_F(ToolkitTest, SegmentSubtitlesCutsARealTranscriptWithinMaxCharsAndTimesIt) {
  const json out =
      run_node("wservice.segment_subtitles", {{"segments_file", segments(Real::jfk())}, {"max_chars", 30}});
  const json file = read_json_file(out["segmented_subtitle_file"]);
  EXPECT_TRUE(file["timed"].get<bool>());
  EXPECT_EQ(out["statistics"]["over_max_chars"], 0);
  std::string joined, source;
  double previous = 0;
  for (const auto& s : file["segments"]) {
    joined.append(" ").append(s["text"].get<std::string>());
    EXPECT_GE(s["start"].get<double>(), previous - 1e-9);
    EXPECT_GT(s["end"].get<double>(), s["start"].get<double>());
    EXPECT_LE(s["end"].get<double>(), 11.1);
    previous = s["start"];
  }
  const json transcript = read_json_file(segments(Real::jfk()));
  for (const auto& s : transcript["segments"]) source += s["text"].get<std::string>();
  const auto keys = [](const std::string& t) {
    std::vector<std::string> k;
    for (const auto& token : wservice::tokenize(t)) k.push_back(token.key);
    return k;
  };
  EXPECT_EQ(keys(joined), keys(source)) << "a word was lost or changed";
  // On the meeting, which Whisper punctuated: every sentence end ends a segment.
  const json meeting =
      read_json_file(run_node("wservice.segment_subtitles",
                              {{"segments_file", segments(Real::meeting())}})["segmented_subtitle_file"]);
  std::set<std::string> last_words;
  const auto bare = [](std::string w) { return w.erase(0, w.find_first_not_of(' ')); };
  for (const auto& s : meeting["segments"]) last_words.insert(bare(s["words"].back()["word"]));
  size_t ends = 0;
  for (const auto& w : words_of(segments(Real::meeting()))) {
    const std::string word = w["word"];
    if (word.ends_with(".") || word.ends_with("?") || word.ends_with("!")) {
      ++ends;
      EXPECT_TRUE(last_words.contains(bare(word))) << word;
    }
  }
  EXPECT_GE(ends, 3u);
}

TEST_F(ToolkitTest, SegmentSubtitlesRules) {
  const auto texts = [&](const json& given) {
    std::vector<std::string> out;
    const json file =
        read_json_file(run_node("wservice.segment_subtitles", given)["segmented_subtitle_file"]);
    for (const auto& s : file["segments"]) out.push_back(s["text"]);
    return out;
  };
  EXPECT_EQ(texts({{"subtitle_text", "Dr. Smith paid $3.14 for 1,000 apples at 10:30. Then he left! Did he?"},
                   {"max_chars", 60}}),
            (std::vector<std::string>{"Dr. Smith paid $3.14 for 1,000 apples at 10:30.", "Then he left!",
                                      "Did he?"}));
  EXPECT_EQ(
      texts({{"subtitle_text", "The U.S. team met John F. Kennedy. It was e.g. fine."}, {"max_chars", 60}}),
      (std::vector<std::string>{"The U.S. team met John F. Kennedy.", "It was e.g. fine."}));
  // CJK: sentence marks, then clause marks for a sentence over max_chars, never inside 3.5.
  EXPECT_EQ(texts({{"subtitle_text", "他说：“价格是3.5元。”我们走吧！好的"}, {"max_chars", 16}}),
            (std::vector<std::string>{"他说：“价格是3.5元。”", "我们走吧！", "好的"}));
  EXPECT_EQ(texts({{"subtitle_text", "你好吗?我很好!谢谢"}, {"max_chars", 16}}),
            (std::vector<std::string>{"你好吗?", "我很好!", "谢谢"}));
  EXPECT_EQ(
      texts({{"subtitle_text", "今天的天气非常好，我们一起去公园散步吧，然后去吃饭。"}, {"max_chars", 12}}),
      (std::vector<std::string>{"今天的天气非常好，", "我们一起去公园散步吧，", "然后去吃饭。"}));
  // A long clause without marks is cut between words, not inside one.
  for (const auto& s : texts({{"subtitle_text",
                               "internationalization localization globalization "
                               "standardization"},
                              {"max_chars", 25}})) {
    EXPECT_LE(s.size(), 25u) << s;
  }
  // Untimed text has no times and no segments_file.
  const json untimed = run_node("wservice.segment_subtitles", {{"subtitle_text", "One. Two."}});
  EXPECT_FALSE(untimed.contains("segments_file"));
  EXPECT_FALSE(read_json_file(untimed["segmented_subtitle_file"])["segments"][0].contains("start"));
  EXPECT_EQ(error_of("wservice.segment_subtitles", {}), "invalid_parameter");
  EXPECT_EQ(error_of("wservice.segment_subtitles", {{"subtitle_text", "..."}}), "invalid_input");
  EXPECT_EQ(error_of("wservice.segment_subtitles", {{"subtitle_text", "a"}, {"max_chars", 0}}),
            "invalid_parameter");
  EXPECT_EQ(error_of("wservice.segment_subtitles", {{"subtitle_text", "a"}, {"words", {{{"start", 1}}}}}),
            "invalid_parameter");
}

TEST_F(ToolkitTest, SegmentSubtitlesTimesChineseAndSrtInput) {
  const json zh =
      run_node("wservice.segment_subtitles", {{"segments_file", segments(Real::zh())}, {"max_chars", 8}});
  const json file = read_json_file(zh["segmented_subtitle_file"]);
  ASSERT_GE(file["segments"].size(), 2u) << file.dump();
  for (const auto& s : file["segments"]) {
    EXPECT_LE(subtitles::length(s["text"].get<std::string>()), 8u) << s.dump();
    EXPECT_GT(s["end"].get<double>(), s["start"].get<double>());
  }
  // An SRT written by the subtitle node: its cues time the text.
  const json srt = run_node("wservice.generate_subtitle_files",
                            {{"segments_file", segments(Real::jfk())}, {"formats", {"srt"}}});
  const json from_srt = run_node("wservice.segment_subtitles", {{"subtitle_file", srt["srt_path"]}});
  const json cut = read_json_file(from_srt["segmented_subtitle_file"]);
  EXPECT_TRUE(cut["timed"].get<bool>());
  EXPECT_GE(cut["segments"].size(), 2u);
  EXPECT_LE(cut["segments"].back()["end"].get<double>(), 11.1);
}

TEST_F(ToolkitTest, PrepareTtsMergesIntoSpeechSegmentsOfOneSpeaker) {
  const json merged =
      run_node("wservice.merge_with_word_timestamps",
               {{"segments_file", segments(Real::meeting())}, {"diarization_file", diarization()}});
  const json out =
      run_node("wservice.prepare_tts_segments", {{"segments_file", merged["merged_segments_file"]}});
  EXPECT_EQ(out["source_stage"], "wservice.merge_with_word_timestamps");
  const json& prepared = out["prepared_segments"];
  EXPECT_EQ(out["total_segments"], prepared.size());
  const json sources = read_json_file(merged["merged_segments_file"])["segments"];
  EXPECT_LT(prepared.size(), sources.size()) << "nothing was merged";
  std::set<size_t> covered;
  for (const auto& p : prepared) {
    EXPECT_LE(p["duration"].get<double>(), 10.0 + 1e-9) << p.dump();
    double end = -1;
    for (const auto& i : p["source_segments"]) {
      const json& s = sources[i.get<size_t>()];
      EXPECT_EQ(s["speaker"], p["speaker"]) << p.dump();
      if (end >= 0) {
        EXPECT_LE(s["start"].get<double>() - end, 1.0 + 1e-9) << p.dump();
      }
      end = s["end"];
      covered.insert(i.get<size_t>());
    }
  }
  EXPECT_EQ(covered.size(), sources.size());
  // The plain transcription: the source is named, a long segment is cut between its words.
  const json plain = run_node("wservice.prepare_tts_segments",
                              {{"segments_file", segments(Real::jfk())}, {"max_duration", 4.0}});
  EXPECT_EQ(plain["source_stage"], "faster_whisper.transcribe_audio");
  for (const auto& p : plain["prepared_segments"])
    EXPECT_LE(p["duration"].get<double>(), 4.0 + 1e-9) << p.dump();
  EXPECT_EQ(
      error_of("wservice.prepare_tts_segments",
               {{"segments_file", segments(Real::jfk())}, {"min_duration", 5.0}, {"max_duration", 4.0}}),
      "invalid_parameter");
}

// Durations of the files written, decoded back.
double seconds_of(const fs::path& file) { return media::decode_audio(file.string(), 16000).duration(); }

TEST_F(ToolkitTest, SplitAudioWritesOneFilePerSegmentGroupedBySpeaker) {
  const json merged =
      run_node("wservice.merge_speaker_segments",
               {{"segments_file", segments(Real::meeting())}, {"diarization_file", diarization()}});
  const json out = run_node("ffmpeg.split_audio_segments", {{"audio_path", test_data(kMeeting)},
                                                            {"segments_file", merged["segments_file"]},
                                                            {"group_by_speaker", true},
                                                            {"min_segment_duration", 0.5}});
  const json info = read_json_file(out["split_info_file"]);
  const fs::path dir = out["audio_segments_dir"].get<std::string>();
  EXPECT_EQ(out["failed_segments"], 0);
  EXPECT_GT(out["successful_segments"].get<int>(), 3);
  double total = 0;
  std::map<std::string, int> per_speaker;
  for (const auto& e : info["segments"]) {
    if (e["status"] != "ok") continue;
    const fs::path file = dir / e["file"].get<std::string>();
    EXPECT_EQ(file.parent_path().filename(), e["speaker"].get<std::string>());
    EXPECT_NEAR(seconds_of(file), e["end"].get<double>() - e["start"].get<double>(), 0.002) << e.dump();
    total += e["duration"].get<double>();
    ++per_speaker[e["speaker"]];
  }
  EXPECT_NEAR(out["total_duration"].get<double>(), total, 1e-6);
  for (const auto& [speaker, count] : per_speaker) EXPECT_EQ(out["speaker_summary"][speaker]["count"], count);
  EXPECT_EQ(per_speaker.size(), 2u);
  // The first segment is the meeting's audio from its start to its end.
  const auto whole = media::decode_audio(test_data(kMeeting), 16000);
  const json& first = *std::find_if(info["segments"].begin(), info["segments"].end(),
                                    [](auto& e) { return e["status"] == "ok"; });
  const auto piece = media::decode_audio((dir / first["file"].get<std::string>()).string(), 16000);
  const auto offset = size_t(std::llround(first["start"].get<double>() * 16000));
  double diff = 0;
  for (size_t i = 0; i < piece.samples.size(); ++i)
    diff = std::max(diff, double(std::fabs(piece.samples[i] - whole.samples[offset + i])));
  EXPECT_LT(diff, 1e-3);
}

TEST_F(ToolkitTest, SplitAudioFormatsLimitsAndSilence) {
  const json out = run_node("ffmpeg.split_audio_segments", {{"audio_path", test_data(kMeeting)},
                                                            {"segments_file", segments(Real::meeting())},
                                                            {"output_format", "mp3"},
                                                            {"max_segment_duration", 3.0},
                                                            {"include_silence", true},
                                                            {"min_segment_duration", 0.2}});
  const json info = read_json_file(out["split_info_file"]);
  bool silence = false;
  for (const auto& e : info["segments"]) {
    if (e["status"] != "ok") continue;
    silence |= e["kind"] == "silence";
    EXPECT_TRUE(e["file"].get<std::string>().ends_with(".mp3"));
    EXPECT_LE(e["end"].get<double>() - e["start"].get<double>(), 3.0 + 1e-9);
    EXPECT_NEAR(
        seconds_of(fs::path(out["audio_segments_dir"].get<std::string>()) / e["file"].get<std::string>()),
        e["duration"].get<double>(), 0.1);  // MP3 frames pad the ends
  }
  EXPECT_TRUE(silence) << info.dump(1);
  EXPECT_EQ(error_of("ffmpeg.split_audio_segments", {{"audio_path", shared_fixture("jfk.wav")},
                                                     {"segments_file", segments(Real::jfk())},
                                                     {"group_by_speaker", true}}),
            "invalid_input");
  EXPECT_EQ(error_of("ffmpeg.split_audio_segments", {{"audio_path", shared_fixture("jfk.wav")},
                                                     {"segments_file", segments(Real::jfk())},
                                                     {"output_format", "ogg"}}),
            "invalid_parameter");
  EXPECT_EQ(error_of("ffmpeg.split_audio_segments", {{"segments_file", segments(Real::jfk())}}),
            "invalid_parameter");
  EXPECT_EQ(error_of("ffmpeg.split_audio_segments",
                     {{"audio_path", shared_fixture("jfk.txt")}, {"segments_file", segments(Real::jfk())}}),
            "invalid_media");
}

TEST_F(ToolkitTest, SpeakerSegmentsFilterAndCountTheRealDiarization) {
  const json all = run_node("pyannote_audio.get_speaker_segments", {{"diarization_file", diarization()}});
  const json d = read_json_file(diarization());
  EXPECT_EQ(all["total_segments"], d["segments"].size());
  for (const auto& [speaker, seconds] : d["talk_time"].items()) {
    EXPECT_NEAR(all["speaker_statistics"][speaker]["total_duration"].get<double>(), seconds.get<double>(),
                0.002);
  }
  const json one = run_node("pyannote_audio.get_speaker_segments",
                            {{"diarization_file", diarization()}, {"speaker", "SPEAKER_01"}});
  EXPECT_FALSE(one.contains("speaker_statistics"));
  EXPECT_GT(one["total_segments"].get<int>(), 0);
  for (const auto& s : one["segments"]) EXPECT_EQ(s["speaker"], "SPEAKER_01");
  // The RTTM form reads the same.
  const json rttm = run_node("pyannote_audio.get_speaker_segments",
                             {{"diarization_file", Real::diarization()["rttm_file"]}});
  EXPECT_EQ(rttm["total_segments"], all["total_segments"]);
  EXPECT_EQ(error_of("pyannote_audio.get_speaker_segments",
                     {{"diarization_file", diarization()}, {"speaker", "NOBODY"}}),
            "invalid_parameter");
}

TEST_F(ToolkitTest, ValidateDiarizationPassesTheRealOneAndFindsProblems) {
  const json real_check =
      run_node("pyannote_audio.validate_diarization", {{"diarization_file", diarization()}});
  EXPECT_TRUE(real_check["valid"].get<bool>()) << real_check.dump();
  EXPECT_EQ(real_check["total_speakers"], 2);
  const auto bad = dir_ / "bad.json";
  write_file_atomically(bad, json{{"segments",
                                   {{{"start", 0.0}, {"end", 2.0}, {"speaker", "A"}},
                                    {{"start", 1.5}, {"end", 3.0}, {"speaker", "B"}},
                                    {{"start", 2.5}, {"end", 2.6}, {"speaker", "A"}},
                                    {{"start", 20.0}, {"end", 20.0}, {"speaker", "C"}}}}}
                                 .dump());
  const json out = run_node("pyannote_audio.validate_diarization", {{"diarization_file", bad.string()}});
  EXPECT_FALSE(out["valid"].get<bool>());
  const json& by_type = out["summary"]["issues_by_type"];
  for (const char* type : {"overlap", "short_turn", "long_gap", "zero_duration", "lone_speaker"})
    EXPECT_TRUE(by_type.contains(type)) << type << " " << out.dump(1);
  EXPECT_EQ(
      error_of("pyannote_audio.validate_diarization", {{"diarization_file", shared_fixture("jfk.txt")}}),
      "invalid_input");
}

}  // namespace
}  // namespace yv::test

namespace yv::test {
namespace {

// Through a live server: every node in a workflow after the quick-start chain on the real meeting, each one
// again as a single task on that workflow's files, and the refusals: at submit where the request shows the
// problem, as a failed stage (never a 500) where only the files do.
class ToolkitApiTest : public ::testing::Test {
 protected:
  // The meeting and its reference turns are stored in the server's bucket, where inputs may be read.
  static void SetUpTestSuite() {
    server_ = new LiveServer("yivideo-wservice-api");
    fs::create_directories(server_->bucket_dir() / "inputs");
    for (const char* name : {"ami_dev00.flac", "ami_dev00.rttm"})
      fs::copy_file(test_data(std::string("speech/en/") + name), server_->bucket_dir() / "inputs" / name);
  }
  static void TearDownTestSuite() { delete server_; }
  static inline LiveServer* server_ = nullptr;
};

const std::string kStoredMeeting = "inputs/ami_dev00.flac", kStoredTurns = "inputs/ami_dev00.rttm";

const std::vector<std::string> kToolkit = {
    "wservice.merge_speaker_segments",     "wservice.merge_with_word_timestamps",
    "wservice.segment_subtitles",          "wservice.rebuild_subtitle_with_words",
    "wservice.prepare_tts_segments",       "ffmpeg.split_audio_segments",
    "pyannote_audio.get_speaker_segments", "pyannote_audio.validate_diarization"};

TEST_F(ToolkitApiTest, EveryNodeIsListedWithItsParameters) {
  const json body = server_->get("/v1/tasks/supported-tasks");
  for (const auto& name : kToolkit) {
    const auto it = std::find_if(body["tasks"].begin(), body["tasks"].end(),
                                 [&](const json& t) { return t["name"] == name; });
    ASSERT_NE(it, body["tasks"].end()) << name;
    EXPECT_FALSE((*it)["parameters"].empty()) << name;
  }
}

TEST_F(ToolkitApiTest, TheToolkitRunsAfterTheQuickStartChainAndAsSingleTasks) {
  std::vector<std::string> chain = {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio",
                                    "pyannote_audio.diarize_speakers", "wservice.generate_subtitle_files"};
  chain.insert(chain.end(), kToolkit.begin(), kToolkit.end());
  const json body = {
      {"video_path", kStoredMeeting},
      {"workflow_config", {{"workflow_chain", chain}}},
      {"language", "en"},
      {"pyannote_audio.diarize_speakers", {{"speaker_count", 2}}},
      {"wservice.rebuild_subtitle_with_words",
       {{"optimized_text", "Okay, well, I think we are ready to begin. Right, my name is..."}}},
      {"ffmpeg.split_audio_segments",
       {{"group_by_speaker", true},
        {"output_format", "flac"},
        {"segments_file", "${{ stages.wservice.merge_with_word_timestamps.output.merged_segments_file }}"}}}};
  const std::string id = server_->post("/v1/workflows", body, 202)["workflow_id"];
  const json done = server_->wait_for_workflow(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  std::map<std::string, json> out, in;
  for (const auto& [key, stage] : done["stages"].items()) {
    out[stage["task_name"]] = stage["output"];
    in[stage["task_name"]] = stage["input"];
  }
  // Each took its inputs from the stages before it.
  EXPECT_EQ(in["wservice.merge_speaker_segments"]["segments_file"],
            out["faster_whisper.transcribe_audio"]["segments_file"]);
  EXPECT_EQ(in["wservice.merge_speaker_segments"]["diarization_file"],
            out["pyannote_audio.diarize_speakers"]["diarization_file"]);
  EXPECT_EQ(in["wservice.merge_with_word_timestamps"]["segments_file"],
            out["wservice.merge_speaker_segments"]["segments_file"]);
  EXPECT_EQ(in["ffmpeg.split_audio_segments"]["audio_path"], out["ffmpeg.extract_audio"]["audio_path"]);
  EXPECT_EQ(out["wservice.prepare_tts_segments"]["source_stage"], "wservice.rebuild_subtitle_with_words");
  EXPECT_GT(out["ffmpeg.split_audio_segments"]["successful_segments"].get<int>(), 0);
  EXPECT_EQ(out["ffmpeg.split_audio_segments"]["speaker_summary"].size(), 2u);
  EXPECT_TRUE(out["pyannote_audio.validate_diarization"]["valid"].get<bool>());
  EXPECT_GT(out["wservice.rebuild_subtitle_with_words"]["alignment"]["unchanged"].get<int>(), 5);

  // The same nodes as single tasks, on the workflow's files.
  const std::string segments = out["faster_whisper.transcribe_audio"]["segments_file"];
  const std::string diarization = out["pyannote_audio.diarize_speakers"]["diarization_file"];
  const std::map<std::string, json> inputs = {
      {"wservice.merge_speaker_segments", {{"segments_file", segments}, {"diarization_file", diarization}}},
      {"wservice.merge_with_word_timestamps",
       {{"segments_file", segments}, {"diarization_file", diarization}}},
      {"wservice.segment_subtitles",
       {{"subtitle_file", out["wservice.generate_subtitle_files"]["srt_path"]}}},
      {"wservice.rebuild_subtitle_with_words",
       {{"segments_file", segments}, {"optimized_text", "I think we are ready to begin."}}},
      {"wservice.prepare_tts_segments", {{"segments_file", segments}}},
      {"ffmpeg.split_audio_segments",
       {{"audio_path", out["ffmpeg.extract_audio"]["audio_path"]}, {"segments_file", segments}}},
      {"pyannote_audio.get_speaker_segments", {{"diarization_file", diarization}, {"speaker", "SPEAKER_00"}}},
      {"pyannote_audio.validate_diarization",
       {{"diarization_file", out["pyannote_audio.diarize_speakers"]["rttm_file"]}}}};
  for (const auto& [name, input] : inputs) {
    const std::string task = "single-" + name;
    server_->post("/v1/tasks", {{"task_name", name}, {"task_id", task}, {"input_data", input}});
    const json status = server_->wait_for_task(task, 60);
    EXPECT_EQ(status["status"], "completed") << status.dump(2);
  }
}

TEST_F(ToolkitApiTest, BadInputIsRefusedAtSubmitOrFailsTheStage) {
  // Known at submit: malformed inline data, bounds, contradictory limits.
  const auto refused = [&](const std::string& name, const json& input) {
    const json answer = server_->post(
        "/v1/tasks", {{"task_name", name}, {"task_id", "bad-" + name}, {"input_data", input}}, 400);
    EXPECT_EQ(answer["code"], "invalid_parameter") << answer.dump();
  };
  refused("wservice.merge_speaker_segments", {{"segments_data", {{{"start", "zero"}}}}});
  refused("wservice.segment_subtitles", {{"subtitle_text", "a"}, {"max_chars", 0}});
  refused("wservice.prepare_tts_segments",
          {{"segments_data", json::array()}, {"min_duration", 5}, {"max_duration", 4}});
  refused("ffmpeg.split_audio_segments", {{"audio_path", kStoredMeeting}, {"output_format", "ogg"}});
  refused("pyannote_audio.validate_diarization", {{"diarization_file", kStoredTurns}, {"max_gap", -1}});
  // Known only from the files: the task fails with the code, not a server error.
  server_->post("/v1/tasks",
                {{"task_name", "wservice.merge_speaker_segments"},
                 {"task_id", "not-json"},
                 {"input_data", {{"segments_file", kStoredTurns}, {"diarization_file", kStoredTurns}}}});
  const json failed = server_->wait_for_task("not-json", 60);
  EXPECT_EQ(failed["status"], "failed") << failed.dump(2);
  EXPECT_NE(failed.dump().find("invalid_input"), std::string::npos) << failed.dump(2);
}

}  // namespace
}  // namespace yv::test

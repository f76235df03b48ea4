// Subtitle cues, line breaking, compliance and the file formats, on hand-made words; the formats are read
// back with FFmpeg's own subtitle demuxers.
#include <gtest/gtest.h>

extern "C" {
#include <libavformat/avformat.h>
}

#include <filesystem>
#include <fstream>

#include "nodes/subtitles/compliance.h"
#include "nodes/subtitles/cues.h"
#include "nodes/subtitles/formats.h"
#include "nodes/subtitles/validator.h"
#include "nodes/subtitles/word_pauses.h"
#include "support/fixtures.h"

namespace yv::subtitles {
namespace {

// Words of `text`, one every `step` seconds from `start`, each lasting 80% of the step.
std::vector<Word> words(const std::string& text, double start, double step, const char* speaker = nullptr) {
  std::vector<Word> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = std::min(text.find(' ', pos), text.size());
    Word w{start, start + step * 0.8, std::string(" ").append(text, pos, end - pos), {}};
    if (speaker) w.speaker = speaker;
    out.push_back(w);
    start += step;
    pos = end + 1;
  }
  return out;
}

// Events FFmpeg's demuxer finds in a subtitle file: -1 when it cannot open it.
int events_read_by_ffmpeg(const std::string& content, const std::string& extension) {
  const std::string path = test::scratch_path("yivideo-subtitle").append(".").append(extension);
  std::ofstream(path, std::ios::binary) << content;
  AVFormatContext* ctx = nullptr;
  if (avformat_open_input(&ctx, path.c_str(), nullptr, nullptr) < 0) return -1;
  int events = 0;
  AVPacket* packet = av_packet_alloc();
  if (avformat_find_stream_info(ctx, nullptr) >= 0) {
    while (av_read_frame(ctx, packet) >= 0) {
      ++events;
      av_packet_unref(packet);
    }
  }
  av_packet_free(&packet);
  avformat_close_input(&ctx);
  std::filesystem::remove(path);
  return events;
}

const std::string kSpeech =
    "Welcome to the weekly project meeting. Today we will review the video pipeline and the transcription "
    "service that now runs on every worker. Please send the final subtitles to the translation team by "
    "Friday.";

TEST(SubtitleLines, BalancedAtAWordBoundary) {
  EXPECT_EQ(break_lines("short line", 42, 2), std::vector<std::string>{"short line"});
  const auto lines = break_lines("the transcription service now runs on every worker in the cluster", 42, 2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_LE(length(lines[0]), 42u);
  EXPECT_LE(length(lines[1]), 42u);
  EXPECT_LE(std::abs(int(length(lines[0])) - int(length(lines[1]))), 8);
}

TEST(SubtitleLines, CjkBreaksBetweenWordsAndCountsCodePoints) {
  const std::string text = "今天我们将讨论视频处理流程和转录服务的最新进展情况";  // 25 characters
  EXPECT_EQ(length(text), 25u);
  const auto lines = break_lines(text, 16, 2);
  ASSERT_EQ(lines.size(), 2u);
  // The most balanced cut (12 | 13) would split 流程 in two; the word boundary one character on is taken.
  EXPECT_EQ(lines[0], "今天我们将讨论视频处理流程");
  EXPECT_EQ(lines[1], "和转录服务的最新进展情况");
  EXPECT_EQ(Limits::for_language("zh").max_chars_per_line, 16);
  EXPECT_EQ(Limits::for_language("en").max_chars_per_line, 42);
}

TEST(SubtitleLines, CjkBreaksAfterAClauseMarkWhenBothLinesFit) {
  const auto lines = break_lines("我们今天先看一下结果，然后讨论下一步的计划", 16, 2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "我们今天先看一下结果，");
  EXPECT_EQ(lines[1], "然后讨论下一步的计划");
}

TEST(SubtitleLines, CjkLinesNeverStartWithClosingPunctuation) {
  for (int max_chars = 8; max_chars <= 16; ++max_chars) {
    for (const auto& line :
         break_lines("他说：“这个问题很难。”我们都同意，所以决定明天再讨论", max_chars, 4)) {
      for (const std::string mark : {"，", "。", "”", "："}) EXPECT_FALSE(line.starts_with(mark)) << line;
    }
  }
}

TEST(SubtitleCues, CjkCuesEndAtAClauseOrWordRatherThanInsideAWord) {
  // Whisper's words in Chinese are tokens of one or two characters, each timed.
  const std::vector<std::string> tokens = {"我们", "今天", "主要", "讨论", "视频",   "处理", "的",   "流程",
                                           "，",   "以及", "语音", "识别", "和",     "字幕", "生成", "的",
                                           "最新", "进展", "情况", "和",   "下一步", "计划", "安排"};
  std::vector<Word> words;
  double t = 0;
  for (const auto& token : tokens) {
    for (const auto& piece : {token.substr(0, 3), token.substr(3)}) {  // split each into single characters
      if (piece.empty()) continue;
      words.push_back({t, t + 0.2, piece});
      t += 0.2;
    }
  }
  const auto cues = build_cues(words, Limits::for_language("zh"));
  ASSERT_GE(cues.size(), 2u);
  std::string first;
  for (const auto& line : cues[0].lines) first += line;
  EXPECT_TRUE(first.ends_with("，")) << first;
}

TEST(SubtitleCues, NaturalSpeechMeetsEveryLimit) {
  const Limits limits;
  const auto cues = build_cues(words(kSpeech, 0.5, 0.35), limits);
  ASSERT_GE(cues.size(), 3u);
  const auto report = compliance(cues, limits);
  EXPECT_EQ(report["share"], 1.0) << report.dump(2);
  EXPECT_EQ(cues.front().lines.front().substr(0, 7), "Welcome");
  // A sentence end closes a cue.
  EXPECT_TRUE(cues.front().lines.back().ends_with("meeting.")) << cues.front().lines.back();
}

TEST(SubtitleCues, PausesAndSpeakerChangesStartNewCues) {
  auto all = words("Great work everyone", 0, 0.4, "SPEAKER_00");
  const auto more = words("Let us meet again next week", 1.4, 0.4, "SPEAKER_01");
  all.insert(all.end(), more.begin(), more.end());
  const auto late = words("Goodbye", 8.0, 0.5, "SPEAKER_01");
  all.insert(all.end(), late.begin(), late.end());
  const auto cues = build_cues(all, Limits{});
  ASSERT_EQ(cues.size(), 3u);
  EXPECT_EQ(cues[0].speaker, "SPEAKER_00");
  EXPECT_EQ(cues[1].speaker, "SPEAKER_01");
  EXPECT_EQ(cues[2].lines, std::vector<std::string>{"Goodbye"});
  EXPECT_GE(cues[2].end - cues[2].start, Limits{}.min_duration - 1e-9) << "a short cue is lengthened";
}

// The pyannote sample call's opening as Whisper tiny.en times it (the first "Hello." over the pause and the
// other woman's greeting) against the diarization's turns: the first word ends at the pause, the second
// starts after it, and the two then fall in different speakers' turns.
TEST(WordPauses, AWordStretchedOverAPauseEndsThereAndTheNextStartsAfterIt) {
  const std::vector<diarize::Turn> turns = {{6.72, 7.17, "A"}, {7.58, 8.31, "B"}, {8.31, 9.90, "A"}};
  std::vector<Word> w = {{6.77, 8.43, " Hello.", {}}, {8.43, 8.58, " Hello.", {}}, {8.58, 8.65, " Oh,", {}}};
  keep_words_out_of_pauses(w, turns);
  EXPECT_DOUBLE_EQ(w[0].start, 6.77);
  EXPECT_DOUBLE_EQ(w[0].end, 7.17);
  EXPECT_DOUBLE_EQ(w[1].start, 7.58);
  EXPECT_DOUBLE_EQ(w[1].end, 8.58);
  EXPECT_DOUBLE_EQ(w[2].start, 8.58);  // no pause before it
}

// A sliver before the pause is a start that came early: the word starts after the pause, the rest stays.
TEST(WordPauses, AWordStartingJustBeforeAPauseStartsAfterIt) {
  const std::vector<diarize::Turn> turns = {{0, 2.0, "A"}, {3.0, 5.0, "B"}};
  std::vector<Word> w = {{1.5, 1.9, " so", {}}, {1.95, 3.6, " well", {}}, {3.6, 4.0, " yes", {}}};
  keep_words_out_of_pauses(w, turns);
  EXPECT_DOUBLE_EQ(w[0].end, 1.9);
  EXPECT_DOUBLE_EQ(w[1].start, 3.0);
  EXPECT_DOUBLE_EQ(w[1].end, 3.6);
  EXPECT_DOUBLE_EQ(w[2].start, 3.6);
}

// Gaps under kPauseSeconds, overlapping turns and no diarization leave every word as it was.
TEST(WordPauses, ShortGapsOverlapsAndNoTurnsChangeNothing) {
  const std::vector<Word> given = {{0.5, 2.5, " across", {}}, {2.5, 4.5, " both", {}}};
  for (const auto& turns : std::vector<std::vector<diarize::Turn>>{
           {{0, 1.0, "A"}, {1.2, 3.0, "B"}}, {{0, 2.0, "A"}, {1.0, 3.0, "B"}, {3.1, 5.0, "A"}}, {}}) {
    std::vector<Word> w = given;
    keep_words_out_of_pauses(w, turns);
    for (size_t i = 0; i < w.size(); ++i) {
      EXPECT_DOUBLE_EQ(w[i].start, given[i].start);
      EXPECT_DOUBLE_EQ(w[i].end, given[i].end);
    }
  }
}

TEST(SubtitleCompliance, NamesEachBrokenLimit) {
  const Limits limits;
  std::vector<Cue> cues(3);
  cues[0] = {0.0, 0.3, {"far too short"}, {}, {}};
  cues[1] = {0.31, 9.0, {std::string(50, 'x'), "b", "c"}, {}, {}};
  cues[2] = {8.0, 9.5, {"overlaps"}, {}, {}};
  EXPECT_EQ(violations(cues, 0, limits), (std::vector<std::string>{"max_cps", "min_duration", "min_gap"}));
  EXPECT_EQ(violations(cues, 1, limits),
            (std::vector<std::string>{"max_chars_per_line", "max_lines", "max_duration", "min_gap"}));
  EXPECT_EQ(violations(cues, 2, limits), std::vector<std::string>{"order"});
  const auto report = compliance(cues, limits);
  EXPECT_EQ(report["compliant_cues"], 0);
  EXPECT_EQ(report["violations"]["min_gap"], 2);
}

TEST(SubtitleFormats, SrtIsExact) {
  const std::vector<Cue> cues = {{1.0, 2.5, {"Hello there,", "general."}, {}, "SPEAKER_00"},
                                 {3661.25, 3662.0, {"Bye."}, {}, {}}};
  EXPECT_EQ(render("srt", cues, "en"),
            "1\n00:00:01,000 --> 00:00:02,500\nHello there,\ngeneral.\n\n2\n01:01:01,250 --> "
            "01:01:02,000\nBye.\n\n");
  EXPECT_EQ(render("srt", cues, "en", true).substr(32, 24), "SPEAKER_00: Hello there,");
  const std::string vtt = render("vtt", cues, "en");
  EXPECT_TRUE(vtt.starts_with("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v SPEAKER_00>Hello there,")) << vtt;
  const std::string ass = render("ass", cues, "en");
  EXPECT_NE(ass.find("Style: SPEAKER_00,"), std::string::npos);
  EXPECT_NE(
      ass.find("Dialogue: 0,0:00:01.00,0:00:02.50,SPEAKER_00,SPEAKER_00,0,0,0,,Hello there,\\Ngeneral."),
      std::string::npos)
      << ass;
  const auto json = nlohmann::json::parse(render("json", cues, "en"));
  EXPECT_EQ(json["cues"][0]["speaker"], "SPEAKER_00");
}

TEST(SubtitleFormats, FfmpegReadsEveryCueBack) {
  const auto cues = build_cues(words(kSpeech, 0.5, 0.35, "SPEAKER_00"), Limits{});
  for (const std::string format : {"srt", "vtt", "ass"}) {
    EXPECT_EQ(events_read_by_ffmpeg(render(format, cues, "en"), format), int(cues.size())) << format;
  }
}

TEST(SubtitleValidator, AcceptsHandMadeGoodFiles) {
  const Limits limits;
  const Validation srt = validate(
      "1\r\n00:00:01,000 --> 00:00:03,000\r\nHello there.\r\n\r\n2\r\n00:00:03,500 --> "
      "00:00:05,000\r\nBye.\r\n",
      "srt", limits);
  EXPECT_TRUE(srt.valid()) << srt.errors.front();
  EXPECT_EQ(srt.cues.size(), 2u);
  EXPECT_EQ(srt.compliance["share"], 1.0);
  const Validation vtt =
      validate("WEBVTT\n\nintro\n00:01.000 --> 00:03.000 align:start\n<v Ann>Hello there.\n", "vtt", limits);
  EXPECT_TRUE(vtt.valid()) << vtt.errors.front();
  EXPECT_EQ(vtt.cues.at(0).lines.at(0), "Hello there.");
  EXPECT_TRUE(validate(render("ass", {{1.0, 2.5, {"Hi", "there"}, {}, {}}}, "en"), "ass", limits).valid());
}

TEST(SubtitleValidator, NamesWhatIsWrongInHandMadeBadFiles) {
  const Limits limits;
  const auto first_error = [&](const std::string& content, const std::string& format) {
    const Validation v = validate(content, format, limits);
    return v.errors.empty() ? std::string("valid") : v.errors.front();
  };
  EXPECT_EQ(first_error("2\n00:00:01,000 --> 00:00:02,000\nx\n", "srt"),
            "line 1: expected cue number 1, found '2'");
  EXPECT_EQ(first_error("1\n00:00:01.000 --> 00:00:02,000\nx\n", "srt"),
            "line 2: bad timestamp in '00:00:01.000 --> 00:00:02,000'");
  EXPECT_EQ(first_error("1\n00:00:03,000 --> 00:00:02,000\nx\n", "srt"),
            "line 2: the cue ends before it starts");
  EXPECT_EQ(first_error("1\n00:00:01,000 --> 00:00:02,000\n\n", "srt"), "line 1: empty cue");
  EXPECT_EQ(first_error("1\n00:00:01,000 00:00:02,000\nx\n", "srt"),
            "line 2: expected '<start> --> <end>', found '00:00:01,000 00:00:02,000'");
  EXPECT_EQ(first_error("00:01.000 --> 00:02.000\nx\n", "vtt"), "line 1: missing the WEBVTT header");
  EXPECT_EQ(first_error(
                "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
                "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,x\n",
                "ass"),
            "missing [Script Info], [V4+ Styles] or [Events]");
  EXPECT_EQ(first_error("", "srt"), "no cues");
  // Well formed but outside the limits: valid structure, compliance tells.
  const Validation slow =
      validate("1\n00:00:01,000 --> 00:00:01,200\nfar too much text for a flash\n", "srt", limits);
  EXPECT_TRUE(slow.valid());
  EXPECT_EQ(slow.compliance["share"], 0.0);
}

TEST(SubtitleValidator, GeneratedFilesPassWithTheirCompliance) {
  const Limits limits;
  const auto cues = build_cues(words(kSpeech, 0.5, 0.35, "SPEAKER_00"), limits);
  for (const std::string format : {"srt", "vtt", "ass"}) {
    const Validation v = validate(render(format, cues, "en"), format, limits);
    EXPECT_TRUE(v.valid()) << format << ": " << v.errors.front();
    EXPECT_EQ(v.cues.size(), cues.size()) << format;
    EXPECT_EQ(v.compliance["share"], 1.0) << format << v.compliance.dump();
  }
}

}  // namespace
}  // namespace yv::subtitles

// ffmpeg.fit_dubbing on real recordings standing in for synthesised speech (English read and public speech,
// Mandarin read speech): each segment starts on its cue, is sped up into its slot (never past max_speed)
// and stays intelligible to our own Whisper; what cannot fit is refused with nothing written.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/files.h"
#include "core/wer.h"
#include "dubbing/dubbing_media.h"
#include "media/audio_decoder.h"
#include "support/fixtures.h"
#include "support/node_test.h"

namespace yv::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class FitDubbing : public NodeTest {
 protected:
  FitDubbing() : NodeTest("ffmpeg.fit_dubbing", "yivideo-fit-dubbing") {}

  // Four real clips on a 25 s timeline: JFK's 11 s speech in 8 s (about 1.3x), a Mandarin read sentence in
  // 3.5 s, a LibriSpeech sentence in 7 s, a short Mandarin greeting with room to spare.
  json segments() const {
    return json::array({
        {{"audio_path", shared_fixture("jfk.wav")}, {"start", 0.5}, {"end", 8.5}},
        {{"audio_path", shared_fixture("zh/BAC009S0764W0121.wav")}, {"start", 9.0}, {"end", 12.5}},
        {{"audio_path", test_data("speech/en/librispeech_1995-1837-0001.wav")},
         {"start", 13.0},
         {"end", 20.0}},
        {{"audio_path", test_data("speech/zh/firered_hello_zh.wav")}, {"start", 21.0}, {"end", 24.0}},
    });
  }

  std::string transcribe(const std::string& audio) {
    const json out = run_in(nodes_, "faster_whisper.transcribe_audio",
                            {{"audio_path", audio}, {"language", "en"}}, dir_ / "asr");
    return out["text"];
  }

  // The excerpt [from, to) of `audio` as a 16 kHz WAV in the scratch folder.
  std::string excerpt(const std::string& audio, double from, double to, const std::string& name) {
    const json out = run_in(nodes_, "ffmpeg.extract_audio",
                            {{"video_path", audio}, {"start", from}, {"end", to}}, dir_ / name);
    return out["audio_path"];
  }
};

TEST_F(FitDubbing, SegmentsStartOnTheirCuesAndEndWithinTheirSlots) {
  const json cues = segments();
  const json out = run({{"tts_segments", cues}, {"timeline_duration", 25.0}});
  EXPECT_EQ(out["segments_count"], 4);
  EXPECT_EQ(out["overflow_count"], 0);
  const media::Audio track = media::decode_audio(out["dubbed_audio_path"], 48000);
  EXPECT_NEAR(track.duration(), 25.0, 0.01);
  for (size_t i = 0; i < cues.size(); ++i) {
    const double start = cues[i]["start"], end = cues[i]["end"];
    const double previous_end = i == 0 ? 0.0 : cues[i - 1]["end"].get<double>();
    const double heard = onset(track, previous_end, -50);
    EXPECT_NEAR(heard, start, 0.010) << "segment " << i;
    EXPECT_LT(level_db(track, previous_end, start - 0.002), -90) << "sound before segment " << i;
    EXPECT_LT(level_db(track, end + 0.001, i + 1 < cues.size() ? cues[i + 1]["start"].get<double>() : 25.0),
              -90)
        << "sound after segment " << i;
    const json& r = out["fit_report"][i];
    EXPECT_LE(r["speed"].get<double>(), 1.5);
    // Sped up, a segment ends on the pause (0.1 s) before its slot's end, give or take the stretcher's
    // rounding; one that fitted as it was ends where its speech does.
    EXPECT_LE(r["fitted_duration"].get<double>(), end - start - 0.09) << r.dump();
    std::cout << "segment " << i << ": needed " << r["needed_ratio"] << ", speed " << r["speed"]
              << ", fitted " << r["fitted_duration"] << " s of " << r["slot"] << " s\n";
  }
  EXPECT_GT(out["fit_report"][0]["speed"].get<double>(), 1.2);  // JFK needed speeding up
  EXPECT_EQ(out["fit_report"][3]["speed"].get<double>(), 1.0);  // the greeting fits as it is
  EXPECT_TRUE(fs::exists(out["fit_report_file"].get<std::string>()));
}

// JFK's speech 1.3x faster is still JFK's words to Whisper, with either stretcher.
TEST_F(FitDubbing, SpedUpSpeechStaysIntelligible) {
  for (const std::string stretcher : {"rubberband", "atempo"}) {
    const json out = run({{"tts_segments", json::array({segments()[0]})}, {"stretcher", stretcher}});
    const std::string text = transcribe(excerpt(out["dubbed_audio_path"], 0.0, 8.6, stretcher));
    const WerResult wer = word_error_rate(read_text(shared_fixture("jfk.txt")), text);
    std::cout << stretcher << " at " << out["fit_report"][0]["speed"] << "x: WER " << wer.rate << " | "
              << text << "\n";
    EXPECT_LE(wer.rate, 0.10) << stretcher << ": " << text;
  }
}

TEST_F(FitDubbing, PreparedSegmentsPairWithAudioFiles) {
  const json cues = json::array({{{"id", 0}, {"start", 1.0}, {"end", 4.0}, {"text", "你好"}}});
  const json out = run({{"prepared_segments", cues},
                        {"audio_files", json::array({test_data("speech/zh/firered_hello_zh.wav")})}});
  EXPECT_EQ(out["segments_count"], 1);
  EXPECT_NEAR(onset(media::decode_audio(out["dubbed_audio_path"], 48000), 0.0, -50), 1.0, 0.010);
  EXPECT_EQ(out["fit_report"][0]["text"], "你好");
}

TEST_F(FitDubbing, ASegmentFarTooLongIsRefusedAndNothingIsWritten) {
  const json cues = json::array({{{"audio_path", shared_fixture("jfk.wav")}, {"start", 0.0}, {"end", 3.0}}});
  try {
    run({{"tts_segments", cues}});
    FAIL() << "11 s of speech went into 3 s";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "invalid_input");
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_NE(e.detail().find("segment 0"), std::string::npos) << e.detail();
  }
  EXPECT_TRUE(fs::is_empty(dir_)) << "a refused fit left files";
}

TEST_F(FitDubbing, ALittleOverflowIsKeptAndReported) {
  // JFK's ~10.5 s of speech in 6.5 s: 1.5x gives ~7 s, half a second over the slot.
  const json cues = json::array({{{"audio_path", shared_fixture("jfk.wav")}, {"start", 0.0}, {"end", 6.5}}});
  const json out = run({{"tts_segments", cues}});
  const json& r = out["fit_report"][0];
  EXPECT_EQ(out["overflow_count"], 1);
  EXPECT_EQ(r["status"], "overflow");
  EXPECT_DOUBLE_EQ(r["speed"].get<double>(), 1.5);
  EXPECT_GT(r["overflow"].get<double>(), 0.1);
  EXPECT_LE(r["overflow"].get<double>(), 1.0);
}

TEST_F(FitDubbing, BadInputIsRefused) {
  EXPECT_EQ(error_code(json::object()), "missing_input");
  EXPECT_EQ(error_code({{"tts_segments",
                         json::array({{{"audio_path", "/nonexistent.wav"}, {"start", 0}, {"end", 2}}})}}),
            "file_not_found");
  EXPECT_EQ(
      error_code({{"tts_segments",
                   json::array({{{"audio_path", shared_fixture("jfk.wav")}, {"start", 3}, {"end", 2}}})}}),
      "invalid_input");
  // A cue a week away: not a week of silence written before it.
  EXPECT_EQ(error_code({{"prepared_segments", json::array({{{"start", 1e7}, {"end", 1e7 + 10}}})},
                        {"audio_files", json::array({shared_fixture("jfk.wav")})}}),
            "media_too_long");
  EXPECT_EQ(error_code({{"prepared_segments", json::array({{{"start", 0}, {"end", 2}}})},
                        {"audio_files", json::array()}}),
            "invalid_input");
  EXPECT_TRUE(fs::is_empty(dir_));
}

}  // namespace
}  // namespace yv::test

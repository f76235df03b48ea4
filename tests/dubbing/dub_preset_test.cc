// Acceptance of the "dub" preset (issue 21): a 1-minute English video - real speech (LJSpeech's reader, a
// minute of one chapter) over real footage (Big Buck Bunny's opening, looped) - submitted as
// {"workflow_config": {"preset": "dub"}, "target_language": ...} to a live server whose translation runs on
// the local llama-server (Qwen2.5-Coder 0.5B Instruct, the installed model). The result is judged with tools
// independent of the code under test (ffprobe, ffmpeg's ebur128) and by our own ASR hearing the dub back:
// - a playable MP4 whose video packets are the input's, byte for byte;
// - the dub as the default audio track and the original beside it, each tagged with its language;
// - every dubbed segment starting within 100 ms of its cue, measured on the speech track;
// - the dubbed track at -16 +- 1 LUFS;
// - soft subtitles in both languages, the cues' count equal to the translation's.
//
// The target language is the suite's parameter: Spanish on espeak-ng (the voice reports `fallback`), and
// Mandarin, the users' case, spoken by the voice `baker` and heard back by characters (see the values below).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "core/files.h"
#include "core/wer.h"
#include "dubbing/dubbing_media.h"
#include "nodes/builtin_nodes.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/local_llm.h"
#include "support/subprocess.h"

namespace yv::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// How each target language is heard back. espeak-ng's formant Spanish is intelligible but far from a human
// voice, Whisper base is a small model, the small local model's translation leaves source words in (which
// `baker` does not speak), and what Spleeter leaves of the original voice stays under the dub: the bounds are
// loose, set over what was measured (see the report line "[dub]" and bench/RESULTS.md), and still fail a dub
// that says other words, is silent or is misplaced.
struct Target {
  std::string language;   // ISO 639-1, as the request gives it
  std::string iso639_2;   // as the MP4 tags the tracks
  double max_speech_wer;  // of the speech track heard back against the text it was given
  double max_mix_wer;     // of the MP4's dub track (the original voice ducked under it)
};

const std::map<std::string, Target> kTargets = {{"es", {"es", "spa", 0.7, 0.85}},
                                                {"zh", {"zh", "zho", 0.4, 0.45}}};

class DubPreset : public ::testing::TestWithParam<std::string> {};

TEST_P(DubPreset, EnglishVideoIsDubbedWithBothSubtitles) {
  const Target& target = kTargets.at(GetParam());
  LiveServer server("yivideo-dub-preset", {.env = local_llm_env()});
  fs::create_directories(server.bucket_dir() / "inputs");
  const fs::path video = server.bucket_dir() / "inputs" / "bbb_lj_60s.mp4";
  make_english_video(video);

  const json body = {{"video_path", "inputs/bbb_lj_60s.mp4"},
                     {"workflow_config", {{"preset", "dub"}}},
                     {"target_language", target.language}};
  const std::string id = server.post("/v1/workflows", body, 202)["workflow_id"];
  // Transcription, ~15 LLM calls on one thread and the rest on two shared cores: minutes, not the 2 of
  // wait_for_workflow.
  const json done = server.wait_settled("/v1/workflows/status/" + id, 1500);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  std::map<std::string, json> out;
  for (const auto& [key, stage] : done["stages"].items()) out[stage["task_name"]] = stage["output"];
  const json& speech = out["indextts.generate_speech"];
  EXPECT_EQ(speech["language"], target.language);
  std::printf("[dub] %s voice %s (engine %s, fallback %s), %zu segments\n", target.language.c_str(),
              speech["voice"].get<std::string>().c_str(), speech["engine"].get<std::string>().c_str(),
              speech["fallback"].dump().c_str(), speech["tts_segments"].size());

  // The picture, untouched; the tracks, tagged.
  const std::string muxed = server.stored_file(out["ffmpeg.mux_video"]["muxed_video_path"]).string();
  EXPECT_NE(probe(muxed)["format"]["format_name"].get<std::string>().find("mp4"), std::string::npos);
  EXPECT_EQ(packet_hashes(muxed, "v:0"), packet_hashes(video.string(), "v:0"));
  const auto audio = streams_of(muxed, "audio");
  ASSERT_EQ(audio.size(), 2u);
  EXPECT_EQ(audio[0]["tags"]["language"], target.iso639_2);
  EXPECT_EQ(audio[0]["disposition"]["default"], 1);
  EXPECT_EQ(audio[1]["tags"]["language"], "eng");
  const auto subtitles = streams_of(muxed, "subtitle");
  ASSERT_EQ(subtitles.size(), 2u);
  EXPECT_EQ(subtitles[0]["tags"]["language"], "eng");
  EXPECT_EQ(subtitles[1]["tags"]["language"], target.iso639_2);
  const size_t cues = out["wservice.translate_subtitles"]["segments_count"];
  const auto cue_count = [&](const char* selector) {  // the "-->" of each cue
    const std::string srt = subtitles_as_srt(muxed, selector);
    return size_t(std::count(srt.begin(), srt.end(), '>'));
  };
  EXPECT_GE(cue_count("s:0"), 1u);
  EXPECT_EQ(cue_count("s:1"), cues);

  // Loudness of the dub as it is in the MP4 (AAC, decoded again).
  const double loudness = integrated_loudness(muxed);
  EXPECT_NEAR(loudness, -16.0, 1.0);

  // Onsets on the speech track: each segment's sound begins within 100 ms of its cue. A segment that the one
  // before runs into (its text was too long even at max_speed: reported by fit_dubbing) has no onset of its
  // own to hear; those are counted, and must be a minority.
  const json& fit = out["ffmpeg.fit_dubbing"];
  const media::Audio track =
      media::decode_audio(server.stored_file(fit["dubbed_audio_path"]).string(), 48000);
  double previous_end = 0, worst = 0;
  size_t heard_onsets = 0;
  for (const auto& s : fit["fit_report"]) {
    const double start = s["start"];
    if (previous_end < start - 0.05) {
      const double heard = onset(track, std::max(previous_end, start - 1.0), -50);
      EXPECT_NEAR(heard, start, 0.100) << s.dump();
      worst = std::max(worst, std::abs(heard - start));
      ++heard_onsets;
    }
    previous_end = start + s["fitted_duration"].get<double>();
  }
  // An overflowing segment hides its neighbour's onset, and how many overflow depends on how long the small
  // local model's translations run (1 of 10 in most runs, 3 in a fresh-clone run, which left 5 measurable):
  // the check must still rest on a good share of the segments, not on one. Before fit_dubbing kept a pause
  // at the end of a stretched slot, a segment stretched to its slot's very end hid the next onset too (a
  // fresh-clone zh run: 7 of 10 so, 3 left).
  EXPECT_GE(heard_onsets * 5, fit["fit_report"].size() * 2) << fit.dump(2);

  // The dub heard back by our own ASR (Whisper base) in the target language: the speech track as fitted on
  // the cues, and the MP4's first (default) audio track, where the original voice stays under it, ducked.
  std::string said;
  for (const auto& s : speech["tts_segments"]) said += s["text"].get<std::string>() + " ";
  const fs::path scratch = server.dir() / "asr";
  fs::create_directories(scratch);
  const engine::NodeRegistry nodes = builtin_nodes();
  const auto& transcribe = nodes.get("faster_whisper.transcribe_audio");
  const std::function<void(double)> progress = [](double) {};
  const std::atomic<bool> cancelled{false};
  const auto heard = [&](const std::string& media, const std::string& name) {
    const fs::path wav = scratch / (name + ".wav");
    const ProcessResult taken = run_process({"/usr/bin/ffmpeg", "-v", "error", "-y", "-i", media, "-map",
                                             "0:a:0", "-ac", "1", "-ar", "16000", wav.string()});
    EXPECT_EQ(taken.exit_code, 0) << taken.err;
    const json params = nodes.resolve_params(
        transcribe, {{"audio_path", wav.string()}, {"language", target.language}, {"model", "base"}});
    const std::string text = transcribe.run({params, progress, cancelled, scratch})["text"];
    const auto wer = target.language == "zh" ? character_error_rate(said, text) : word_error_rate(said, text);
    std::printf("[dub] %s %s: WER %.3f of %d words; heard: %s\n", target.language.c_str(), name.c_str(),
                wer.rate, wer.reference_units, text.c_str());
    return wer.rate;
  };
  std::printf(
      "[dub] %s: loudness %.2f LUFS, worst onset %.0f ms over %zu of %zu segments (%d overflowing)\n"
      "[dub] said: %s\n",
      target.language.c_str(), loudness, worst * 1000, heard_onsets, fit["fit_report"].size(),
      fit["overflow_count"].get<int>(), said.c_str());
  EXPECT_LE(heard(server.stored_file(fit["dubbed_audio_path"]).string(), "speech track"),
            target.max_speech_wer);
  EXPECT_LE(heard(muxed, "mp4 dub track"), target.max_mix_wer);
}

INSTANTIATE_TEST_SUITE_P(Languages, DubPreset, ::testing::Values("es", "zh"));

}  // namespace
}  // namespace yv::test

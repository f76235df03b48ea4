// Node pyannote_audio.diarize_speakers on real audio through the real encoder: synthetic conversations with
// exact truth (DER with the customary 0.25 s collar, speaker counts found and given), real single voices, and
// real calls with the count found and given, and the edge cases (silence, under a second, bad counts).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/error.h"
#include "core/files.h"
#include "media/audio_decoder.h"
#include "nodes/builtin_nodes.h"
#include "nodes/diarize/der.h"
#include "support/fixtures.h"
#include "support/node_test.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class DiarizeTest : public NodeTest {
 protected:
  DiarizeTest() : NodeTest("pyannote_audio.diarize_speakers", "yivideo-diarize") {}
  json diarize(const json& given) { return run(given); }
  // DER of the node's RTTM against the fixture's truth.
  diarize::DerResult score(const json& out, const std::string& truth, double collar = 0.25) {
    return diarize::diarization_error(diarize::parse_rttm(read_file(truth)),
                                      diarize::parse_rttm(read_file(out["rttm_file"].get<std::string>())),
                                      collar);
  }
  // A 16 kHz mono WAV from one of ffmpeg's lavfi sources.
  std::string lavfi_wav(const std::string& name, const std::string& source) {
    const auto path = (dir_ / name).string();
    const std::string cmd =
        "ffmpeg -nostdin -loglevel error -y -f lavfi -i '" + source + "' -ar 16000 -ac 1 " + path;
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    return path;
  }
};

TEST_F(DiarizeTest, TwoVoicesAreFoundAndSeparated) {
  const json out = diarize({{"audio_path", synth_fixture("conversation2.wav")}});
  EXPECT_EQ(out["speaker_count"], 2);
  EXPECT_EQ(out["speakers"], json::array({"SPEAKER_00", "SPEAKER_01"}));
  const auto r = score(out, synth_fixture("conversation2.rttm"));
  EXPECT_LE(r.der(), 0.10) << "missed " << r.missed << " false alarm " << r.false_alarm << " confusion "
                           << r.confusion;
  EXPECT_GT(r.reference_speech, 100);
  // The reported progress rises to 1.
  ASSERT_FALSE(progress_.empty());
  EXPECT_TRUE(std::is_sorted(progress_.begin(), progress_.end()));
  EXPECT_EQ(progress_.back(), 1.0);
}

TEST_F(DiarizeTest, ThreeVoicesAreFoundAndSeparated) {
  const json out = diarize({{"audio_path", synth_fixture("conversation3.wav")}});
  EXPECT_EQ(out["speaker_count"], 3);
  const auto r = score(out, synth_fixture("conversation3.rttm"));
  EXPECT_LE(r.der(), 0.10) << "missed " << r.missed << " false alarm " << r.false_alarm << " confusion "
                           << r.confusion;
}

TEST_F(DiarizeTest, AGivenCountIsHonoured) {
  const json two = diarize({{"audio_path", synth_fixture("conversation3.wav")}, {"speaker_count", 2}});
  EXPECT_EQ(two["speaker_count"], 2);
  const json three = diarize({{"audio_path", synth_fixture("conversation3.wav")}, {"num_speakers", 3}});
  EXPECT_EQ(three["speaker_count"], 3);
  EXPECT_LE(score(three, synth_fixture("conversation3.rttm")).der(), 0.10);
  // Three voices forced into at most two: two of them share a cluster, or all merge into one.
  const json bounded = diarize({{"audio_path", synth_fixture("conversation3.wav")}, {"max_speakers", 2}});
  EXPECT_LE(bounded["speaker_count"], 2);
  EXPECT_GE(bounded["speaker_count"], 1);
}

TEST_F(DiarizeTest, OutputFilesAgree) {
  const json out = diarize({{"video_path", synth_fixture("meeting.mp4")}});
  const json file = json::parse(read_file(out["diarization_file"].get<std::string>()));
  const auto rttm = diarize::parse_rttm(read_file(out["rttm_file"].get<std::string>()));
  ASSERT_EQ(file["segments"].size(), rttm.size());
  double talk = 0, previous_start = 0, previous_end = 0;
  std::map<std::string, double> speaker_end;
  for (size_t i = 0; i < rttm.size(); ++i) {
    EXPECT_NEAR(file["segments"][i]["start"].get<double>(), rttm[i].start, 1e-3);
    EXPECT_EQ(file["segments"][i]["speaker"], rttm[i].speaker);
    EXPECT_GE(rttm[i].start, previous_start);                // in order of start
    EXPECT_GE(rttm[i].start, speaker_end[rttm[i].speaker]);  // one speaker's turns never overlap
    EXPECT_GT(rttm[i].end, rttm[i].start);
    previous_start = rttm[i].start;
    speaker_end[rttm[i].speaker] = rttm[i].end;
    previous_end = std::max(previous_end, rttm[i].end);
    talk += rttm[i].end - rttm[i].start;
  }
  double reported = 0;
  for (const auto& [speaker, seconds] : out["talk_time"].items()) reported += seconds.get<double>();
  EXPECT_NEAR(reported, talk, 0.01);
  EXPECT_EQ(file["speaker_count"], 3);
  EXPECT_LE(previous_end, file["duration"].get<double>());
  EXPECT_LE(score(out, synth_fixture("meeting.rttm")).der(), 0.10);
}

// Real single voices, read, broadcast, noisy and over music, English and Mandarin, 2 s to a minute: the count
// found is one (a voice drifts over a clip, which the count must not take for two voices).
TEST_F(DiarizeTest, RealSingleVoicesAreOneSpeaker) {
  std::vector<std::string> clips;
  for (const char* clip : {"jfk.wav", "1272-128104-0000.wav", "another_door.wav", "zh/BAC009S0764W0121.wav",
                           "zh/TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav"})
    clips.push_back(shared_fixture(clip));
  for (const char* clip :
       {"en/librispeech_1995-1837-0001.wav", "en/librispeech_1995-1837-0001_music.flac",
        "zh/aishell1_BAC009S0724W0121.wav", "zh/funasr_asr_example.wav", "zh/funasr_binhai_query.wav"})
    clips.push_back(test_data(std::string("speech/") + clip));
  // A minute of one reader, English and Mandarin: enough for a voice to drift back and forth.
  for (const char* clip : {"ljspeech_LJ001_60s.flac", "aishell1_S0150_60s.flac"})
    clips.push_back(test_data(std::string("speakers/") + clip));
  for (const auto& clip : clips) {
    const json out = diarize({{"audio_path", clip}});
    EXPECT_EQ(out["speaker_count"], 1) << clip;
  }
}

// A real telephone call (the sample inside PyPI pyannote-audio 4.0.7, extracted by scripts/test): two women
// alternating in turns of 0.4-4 s. Issue 17's bar with the count given is 15%; the diarizer before the
// resegmentation scored 47% here, with one 10 s turn over eight alternations.
TEST_F(DiarizeTest, ARealCallWithTheCountGivenIsUnderFifteenPercent) {
  const json out = diarize({{"audio_path", pyannote_sample("sample.wav")}, {"speaker_count", 2}});
  EXPECT_EQ(out["speaker_count"], 2);
  const auto der = score(out, pyannote_sample("sample.rttm"));
  EXPECT_LE(der.der(), 0.15) << "confusion " << der.confusion << " s, missed " << der.missed << " s";
}

// The same call with the count left to the diarizer: the two voices are as alike to the encoder as one
// voice's two halves, but they take turns. Issue 17's bar: both found, DER at most 20%.
TEST_F(DiarizeTest, ARealCallWithTheCountFoundHasBothVoicesAndIsUnderTwentyPercent) {
  const json out = diarize({{"audio_path", pyannote_sample("sample.wav")}});
  EXPECT_EQ(out["speaker_count"], 2);
  const auto der = score(out, pyannote_sample("sample.rttm"));
  EXPECT_LE(der.der(), 0.20) << "confusion " << der.confusion << " s, missed " << der.missed << " s";
}

// Real meeting excerpts (AMI, tests/data/SOURCES.md), with the count found: two people (dev00), four with one
// holding the floor (trn05), four with heavy overlap (trn08, where 42% is the floor for one voice at a time).
// Bounds a little over what bench/RESULTS.md measured (10%, 2.1%, 32%), so that a regression shows; before
// issue 17's work they were 59%, 27% and 71%. trn05 with its four speakers given was 70% when clustering
// to the count split its main talker, 50% once the segmentation network's local speakers undid part of
// that, and 17% since a count over the voices found keeps the voice found whole and adds the others.
TEST_F(DiarizeTest, RealMeetingsStayUnderTheirBounds) {
  const json given = diarize({{"audio_path", test_data("speech/en/ami_trn05.flac")}, {"speaker_count", 4}});
  EXPECT_LE(score(given, test_data("speech/en/ami_trn05.rttm")).der(), 0.22);
  for (const auto& [clip, bound] : std::vector<std::pair<std::string, double>>{
           {"ami_dev00", 0.14}, {"ami_trn05", 0.06}, {"ami_trn08", 0.36}}) {
    const json out = diarize({{"audio_path", test_data("speech/en/" + clip + ".flac")}});
    const auto r = score(out, test_data("speech/en/" + clip + ".rttm"));
    EXPECT_LE(r.der(), bound) << clip << ": missed " << r.missed << " false alarm " << r.false_alarm
                              << " confusion " << r.confusion;
  }
}

// The eight other real meeting excerpts of the same set, kept for validation (tests/data/SOURCES.md; they
// took part only in choosing between two overlap bars, bench/RESULTS.md): 1-4 speakers, from 0.7 s of speech
// (trn02) to 13 s of overlap in 30 s (trn09). Issue 17's bar for meetings it never saw: never over 100%. The
// mean is bounded over what bench/RESULTS.md measured (26.2%, with the count found) by about half a clip's
// worth of drift between machines (their BLAS kernels differ), so that a change tuned on the three above
// that loses here shows.
TEST_F(DiarizeTest, MeetingsKeptForValidationStayUnderTheirBound) {
  double sum = 0;
  const std::vector<std::string> clips = {"ami_dev01", "ami_trn01", "ami_trn02", "ami_trn03",
                                          "ami_trn04", "ami_trn06", "ami_trn07", "ami_trn09"};
  for (const auto& clip : clips) {
    const json out = diarize({{"audio_path", test_data("speech/en/" + clip + ".flac")}});
    const auto r = score(out, test_data("speech/en/" + clip + ".rttm"));
    EXPECT_LT(r.der(), 1.0) << clip << ": missed " << r.missed << " false alarm " << r.false_alarm
                            << " confusion " << r.confusion;
    sum += r.der();
  }
  EXPECT_LE(sum / double(clips.size()), 0.32);
}

// Overlapped speech on the real meeting with heavy overlap (AMI trn08, 11.1 s where two or more talk at
// once): the segmentation network's two-voice frames give a second speaker there, the one its chunks pair
// with the first, and frames Silero missed where the chunks hear two voices are given to both. Measured:
// 7.4 s given to two speakers, 6.9 s of it inside the reference's overlap (4.0 s, all inside, when the second
// was the nearest other turn's and the bar was two voices' probability over 0.5; 5.7 s of 5.9 with one bar of
// 0.3 before the onset and offset bars of src/nodes/diarize/local_activity.cc).
TEST_F(DiarizeTest, OverlapOnARealMeetingIsGivenToTwoSpeakers) {
  const json out = diarize({{"audio_path", test_data("speech/en/ami_trn08.flac")}});
  const auto truth = diarize::parse_rttm(read_file(test_data("speech/en/ami_trn08.rttm")));
  const auto found = diarize::parse_rttm(read_file(out["rttm_file"].get<std::string>()));
  const auto voices = [](const std::vector<diarize::Turn>& turns, double t) {
    return std::count_if(turns.begin(), turns.end(),
                         [&](const auto& x) { return x.start <= t && t < x.end; });
  };
  double claimed = 0, right = 0;
  for (double t = 0.005; t < 30; t += 0.01) {
    if (voices(found, t) < 2) continue;
    claimed += 0.01;
    right += voices(truth, t) >= 2 ? 0.01 : 0;
  }
  EXPECT_GE(right, 6.3);
  EXPECT_GE(right, 0.8 * claimed);
}

// min_speakers and max_speakers bound the count found on real recordings too: the meeting where two voices
// are found is given at least three, the call where two are found at most one.
TEST_F(DiarizeTest, SpeakerBoundsHoldOnRealRecordings) {
  const json meeting = diarize({{"audio_path", test_data("speech/en/ami_trn08.flac")}, {"min_speakers", 3}});
  EXPECT_GE(meeting["speaker_count"], 3);
  const json call = diarize({{"audio_path", pyannote_sample("sample.wav")}, {"max_speakers", 1}});
  EXPECT_EQ(call["speaker_count"], 1);
}

// Sparse speech: four real readers apart, between 10 s stretches of real meeting-room tone and kitchen noise
// (40% speech). Speech claimed in the noise is what an energy detector got wrong (issue 17: 11.4 s claimed
// where 6.1 s were said); each reader is a speaker of their own.
TEST_F(DiarizeTest, SparseSpeechBetweenRealNoiseHasNoFalseAlarm) {
  const std::string room = test_data("speech/none/roomtone_ami_trn02.flac");
  const std::string dishes = test_data("speech/none/noise_doing_the_dishes.flac");
  const std::vector<std::string> parts = {
      room,   shared_fixture("jfk.wav"),          room, shared_fixture("1272-128104-0000.wav"),
      dishes, shared_fixture("another_door.wav"), room, test_data("speech/en/librispeech_1995-1837-0001.wav"),
      dishes};
  std::string inputs, labels;
  std::vector<std::pair<double, double>> noise;
  double at = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    inputs += " -i " + parts[i];
    labels.append("[").append(std::to_string(i)).append(":a]");  // appends: GCC 12 warns on "[" + ...
    const double length = media::decode_audio(parts[i]).duration();
    if (i % 2 == 0) noise.push_back({at, at + length});
    at += length;
  }
  const auto clip = (dir_ / "sparse.wav").string();
  const std::string cmd = "ffmpeg -nostdin -loglevel error -y" + inputs + " -filter_complex '" + labels +
                          "concat=n=" + std::to_string(parts.size()) + ":v=0:a=1' -ar 16000 -ac 1 " + clip;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const json out = diarize({{"audio_path", clip}});
  EXPECT_EQ(out["speaker_count"], 4);
  double claimed = 0;
  for (const auto& t : diarize::parse_rttm(read_file(out["rttm_file"].get<std::string>())))
    for (const auto& [from, to] : noise)
      claimed += std::max(0.0, std::min(t.end, to) - std::max(t.start, from));
  EXPECT_LE(claimed, 0.5) << "seconds of speech claimed in " << (noise.size() * 10) << " s of noise";
}

TEST_F(DiarizeTest, SilenceHasNoSpeakers) {
  const json out = diarize({{"audio_path", lavfi_wav("silence.wav", "anullsrc=r=16000:cl=mono:d=5")}});
  EXPECT_EQ(out["speaker_count"], 0);
  EXPECT_EQ(out["speakers"], json::array());
  EXPECT_EQ(read_file(out["rttm_file"].get<std::string>()), "");
}

TEST_F(DiarizeTest, UnderASecondOfSpeechIsOneSpeaker) {
  const auto clip = (dir_ / "short.wav").string();
  const std::string cmd =
      "ffmpeg -nostdin -loglevel error -y -ss 0.3 -t 0.6 -i " + shared_fixture("jfk.wav") + " " + clip;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const json out = diarize({{"audio_path", clip}});
  EXPECT_EQ(out["speaker_count"], 1);
}

TEST_F(DiarizeTest, InconsistentCountsAndBadMediaAreRefused) {
  const std::string audio = synth_fixture("meeting.wav");
  EXPECT_EQ(error_code({{"audio_path", audio}, {"min_speakers", 3}, {"max_speakers", 2}}),
            "invalid_parameter");
  EXPECT_EQ(error_code({{"audio_path", audio}, {"speaker_count", -1}}), "invalid_parameter");
  EXPECT_EQ(error_code({{"audio_path", audio}, {"speaker_count", 2}, {"num_speakers", 3}}),
            "invalid_parameter");
  EXPECT_EQ(error_code({{"audio_path", audio}, {"speaker_count", 5}, {"max_speakers", 4}}),
            "invalid_parameter");
  EXPECT_EQ(error_code({{"audio_path", synth_fixture("broken/video_only.mp4")}}), "no_audio_stream");
  EXPECT_EQ(error_code({{"audio_path", synth_fixture("broken/not_media.mp4")}}), "invalid_media");
  EXPECT_EQ(error_code({}), "invalid_parameter");
}

}  // namespace
}  // namespace yv::test

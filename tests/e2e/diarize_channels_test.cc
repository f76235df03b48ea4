// pyannote_audio.diarize_speakers with channel_mode per_channel on real voices: a recording with a real
// reader on each channel (from faster-whisper's tests), and a call built from two real recordings, one a
// channel, each heard faintly on the other channel as telephone crosstalk is, with exact turns.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "core/files.h"
#include "nodes/diarize/turns.h"
#include "support/fixtures.h"
#include "support/node_test.h"

namespace yv::test {
namespace {
using nlohmann::json;

class DiarizeChannelsTest : public NodeTest {
 protected:
  DiarizeChannelsTest() : NodeTest("pyannote_audio.diarize_speakers", "yivideo-diarize-channels") {}
  std::vector<diarize::Turn> turns(const json& out) {
    return diarize::parse_rttm(read_file(out["rttm_file"].get<std::string>()));
  }
};

TEST_F(DiarizeChannelsTest, AReaderOnEachChannelIsASpeakerEach) {
  const json out = run({{"audio_path", test_data("speech/en/librispeech_stereo_61-70968-0000_260.wav")},
                        {"channel_mode", "per_channel"}});
  EXPECT_EQ(out["speakers"], json::array({"SPEAKER_00", "SPEAKER_01"}));
  // Left reads a 16-word sentence, right a 5-word one, both from the start.
  EXPECT_GT(out["talk_time"]["SPEAKER_00"].get<double>(), out["talk_time"]["SPEAKER_01"].get<double>());
  EXPECT_GT(out["talk_time"]["SPEAKER_01"].get<double>(), 1.0);
}

// Left: JFK (11 s) then silence; right: silence, then LibriSpeech reader 1272 from 12 s. Each channel also
// carries the other at -25 dB. Each speaker's turns lie within their own clip's span, and cover most of it.
TEST_F(DiarizeChannelsTest, CrosstalkIsNotASecondVoice) {
  const std::string call = (dir_ / "call.wav").string();
  const std::string cmd =
      "ffmpeg -nostdin -loglevel error -y -i " + shared_fixture("jfk.wav") + " -i " +
      shared_fixture("1272-128104-0000.wav") +
      " -filter_complex \"[0:a]aresample=16000,apad=whole_dur=20[a];[1:a]aresample=16000,adelay=12000,"
      "apad=whole_dur=20[b];[a]asplit[a1][a2];[b]asplit[b1][b2];[a2]volume=-25dB[ab];[b2]volume=-25dB[bb];"
      "[a1][bb]amix=inputs=2:normalize=0[l];[b1][ab]amix=inputs=2:normalize=0[r];[l][r]join=inputs=2:"
      "channel_layout=stereo[out]\" -map \"[out]\" -ar 16000 " +
      call;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const json out = run({{"audio_path", call}, {"channel_mode", "per_channel"}});
  EXPECT_EQ(out["speakers"], json::array({"SPEAKER_00", "SPEAKER_01"}));
  for (const auto& t : turns(out)) {
    if (t.speaker == "SPEAKER_00") {
      EXPECT_LE(t.end, 11.2) << "JFK's channel has speech at " << t.start;
    } else {
      EXPECT_GE(t.start, 11.9) << "the reader's channel has speech at " << t.start;
    }
  }
  EXPECT_GT(out["talk_time"]["SPEAKER_00"].get<double>(), 7.0);  // JFK: 11 s with pauses
  EXPECT_GT(out["talk_time"]["SPEAKER_01"].get<double>(), 4.0);  // 1272: 5.9 s
}

TEST_F(DiarizeChannelsTest, AMonoRecordingIsRefusedWithTheWayOut) {
  EXPECT_EQ(error_code({{"audio_path", shared_fixture("jfk.wav")}, {"channel_mode", "per_channel"}}),
            "invalid_parameter");
  EXPECT_EQ(error_code({{"audio_path", shared_fixture("jfk.wav")}, {"channel_mode", "left"}}),
            "invalid_parameter");
}

}  // namespace
}  // namespace yv::test

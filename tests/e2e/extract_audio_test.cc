// Node ffmpeg.extract_audio on real media: every output format decodes back to the same audio, cuts are
// exact, and broken inputs give their own clear errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "media/audio_decoder.h"
#include "nodes/builtin_nodes.h"
#include "storage/content_type.h"
#include "support/fixtures.h"
#include "support/node_test.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class ExtractAudioTest : public NodeTest {
 protected:
  ExtractAudioTest() : NodeTest("ffmpeg.extract_audio", "yivideo-extract") {}
  json extract(const json& given) { return run(given); }
};

TEST_F(ExtractAudioTest, EveryFormatDecodesBackToTheSameAudio) {
  const media::Audio original = media::decode_audio(synth_fixture("meeting.mp4"));
  const std::map<std::string, std::string> types = {
      {"wav", "audio/wav"}, {"flac", "audio/flac"}, {"mp3", "audio/mpeg"}, {"m4a", "audio/mp4"}};
  for (const auto& [format, type] : types) {
    const json out = extract({{"video_path", synth_fixture("meeting.mp4")}, {"audio_format", format}});
    const std::string path = out["audio_path"];
    EXPECT_TRUE(path.ends_with("." + format)) << path;
    std::ifstream in(path, std::ios::binary);
    std::string head(64, '\0');
    in.read(head.data(), 64);
    EXPECT_EQ(storage::content_type("", head), type) << format;
    const media::Audio back = media::decode_audio(path);
    // Lossy codecs pad with a few frames of priming; the length stays within 0.1 s.
    EXPECT_NEAR(back.duration(), original.duration(), 0.1) << format;
    EXPECT_NEAR(out["duration"].get<double>(), original.duration(), 0.01) << format;
    EXPECT_GT(progress_.back(), 0.5) << format;
    EXPECT_FALSE(fs::exists(path + ".partial")) << format;
  }
}

TEST_F(ExtractAudioTest, StartAndEndCutExactly) {
  const json out = extract({{"video_path", shared_fixture("jfk.wav")}, {"start", 2.0}, {"end", 5.5}});
  EXPECT_DOUBLE_EQ(out["duration"].get<double>(), 3.5);
  const media::Audio cut = media::decode_audio(out["audio_path"]);
  EXPECT_EQ(cut.samples.size(), size_t(3.5 * 16000));
  const media::Audio whole = media::decode_audio(shared_fixture("jfk.wav"));
  // 16-bit quantisation is the only difference from the same span of the source.
  for (size_t i = 0; i < cut.samples.size(); i += 997) {
    EXPECT_NEAR(cut.samples[i], whole.samples[32000 + i], 1.0 / 16384) << i;
  }
}

TEST_F(ExtractAudioTest, StereoAndOtherRates) {
  const json out = extract({{"video_path", synth_fixture("meeting.mp4")},
                            {"channels", 2},
                            {"sample_rate", 44100},
                            {"audio_format", "flac"}});
  EXPECT_EQ(out["channels"], 2);
  EXPECT_NEAR(media::decode_audio(out["audio_path"], 44100).duration(), 19.5, 0.1);
}

TEST_F(ExtractAudioTest, BrokenInputsGiveTheirOwnErrors) {
  const std::string zero = (dir_ / "zero.mp4").string();
  std::ofstream(zero).close();
  const std::string noise = (dir_ / "noise.wav").string();
  {
    std::ofstream out(noise, std::ios::binary);
    for (int i = 0; i < 100000; ++i) out.put(char((i * 7919 + 13) % 251));
  }
  EXPECT_EQ(error_code({{"video_path", synth_fixture("broken/video_only.mp4")}}), "no_audio_stream");
  EXPECT_EQ(error_code({{"video_path", synth_fixture("meeting.mp4")}, {"audio_stream", 3}}),
            "no_audio_stream");
  EXPECT_EQ(error_code({{"video_path", synth_fixture("broken/not_media.mp4")}}), "invalid_media");
  EXPECT_EQ(error_code({{"video_path", synth_fixture("broken/truncated.mp4")}}), "invalid_media");
  EXPECT_EQ(error_code({{"video_path", zero}}), "invalid_media");
  EXPECT_EQ(error_code({{"video_path", noise}}), "invalid_media");
  EXPECT_EQ(error_code({{"video_path", "/nonexistent.mp4"}}), "file_not_found");
  EXPECT_EQ(error_code({{"video_path", shared_fixture("jfk.wav")}, {"audio_format", "ogg"}}),
            "unsupported_format");
  EXPECT_EQ(error_code({{"video_path", shared_fixture("jfk.wav")}, {"start", 50.0}}), "invalid_parameter");
  for (const auto& f : fs::directory_iterator(dir_)) {
    EXPECT_FALSE(f.path().string().ends_with(".partial")) << "a failed run left " << f.path();
  }
}

}  // namespace
}  // namespace yv::test

#include "media/audio_decoder.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "support/fixtures.h"

namespace yv::media {
namespace {

std::pair<std::string, int> error_of(const std::string& path) {
  try {
    decode_audio(path);
  } catch (const Error& e) {
    return {e.code(), e.http_status()};
  }
  return {"no error", 0};
}

TEST(AudioDecoder, DecodesWavWithExtraChunksSampleExact) {
  // jfk.wav has a LIST chunk between fmt and data: 176000 frames at 16 kHz.
  const Audio a = decode_audio(test::shared_fixture("jfk.wav"));
  EXPECT_EQ(a.sample_rate, 16000);
  EXPECT_EQ(a.samples.size(), 176000u);
}

TEST(AudioDecoder, DecodesAacInMp4ToTheSameDurationAsItsSource) {
  const Audio wav = decode_audio(test::synth_fixture("meeting.wav"));
  const Audio mp4 = decode_audio(test::synth_fixture("meeting.mp4"));
  EXPECT_NEAR(mp4.duration(), wav.duration(), 0.1);
}

TEST(AudioDecoder, ResamplesToTheRequestedRate) {
  const Audio a = decode_audio(test::shared_fixture("jfk.wav"), 8000);
  EXPECT_EQ(a.sample_rate, 8000);
  EXPECT_NEAR(a.duration(), 11.0, 0.01);
}

TEST(AudioDecoder, SamplesAreNormalisedFloats) {
  const Audio a = decode_audio(test::shared_fixture("jfk.wav"));
  float peak = 0;
  for (float s : a.samples) peak = std::max(peak, std::fabs(s));
  EXPECT_GT(peak, 0.1f);
  EXPECT_LE(peak, 1.0f);
}

TEST(AudioDecoder, MissingFileIsFileNotFound) {
  EXPECT_EQ(error_of("/nonexistent/video.mp4"), std::make_pair(std::string("file_not_found"), 404));
}

TEST(AudioDecoder, TextFileIsInvalidMedia) {
  EXPECT_EQ(error_of(test::synth_fixture("broken/not_media.mp4")),
            std::make_pair(std::string("invalid_media"), 400));
}

TEST(AudioDecoder, VideoWithoutAudioIsNoAudioStream) {
  EXPECT_EQ(error_of(test::synth_fixture("broken/video_only.mp4")),
            std::make_pair(std::string("no_audio_stream"), 400));
}

TEST(AudioDecoder, TruncatedMp4IsInvalidMedia) {
  // The moov atom is at the end of the file, so a truncated upload cannot be indexed at all.
  EXPECT_EQ(error_of(test::synth_fixture("broken/truncated.mp4")),
            std::make_pair(std::string("invalid_media"), 400));
}

TEST(AudioDecoder, DirectoryIsFileNotFound) {
  EXPECT_EQ(error_of(test::shared_fixture("")).first, "file_not_found");
}

}  // namespace
}  // namespace yv::media

// Issue 15, lower severity: media bombs. A 72 KB FLAC decoded to a 1.1 GB WAV, and a 40 KB WAV at 1 Hz took
// the worker to 1.75 GB: each decoded frame was resampled in one piece, and a frame of 1 Hz audio is hours
// at 16 kHz. Decoding now hands on blocks of bounded size whatever the rates, and stops with "media_too_long"
// past YIVIDEO_MAX_MEDIA_SECONDS.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "media/audio_decoder.h"
#include "media/audio_writer.h"
#include "support/fixtures.h"
#include "support/live_server.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// A mono 16-bit PCM WAV of `samples` samples at `rate` Hz, as its bytes.
std::string wav_bytes(uint32_t rate, uint32_t samples) {
  std::string out;
  const auto put = [&out](uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(char((value >> (8 * i)) & 0xff));
  };
  out += "RIFF";
  put(36 + samples * 2, 4);
  out += "WAVEfmt ";
  put(16, 4);
  put(1, 2);  // PCM
  put(1, 2);  // mono
  put(rate, 4);
  put(rate * 2, 4);
  put(2, 2);
  put(16, 2);
  out += "data";
  put(samples * 2, 4);
  for (uint32_t i = 0; i < samples; ++i) put(i % 2 ? 0x1000 : 0xf000, 2);
  return out;
}

// `seconds` of silence as a FLAC file: a few kilobytes.
std::string silent_flac(const fs::path& dir, int seconds) {
  const fs::path path = dir / "silence.flac";
  media::AudioWriter writer(path, "flac", 16000, 1);
  const std::vector<float> second(16000, 0.0f);
  for (int i = 0; i < seconds; ++i) writer.write(second.data(), second.size());
  writer.finish();
  return read_text(path.string());
}

TEST(MediaBomb, AudioAtOneHertzIsDeliveredInBoundedBlocks) {
  const fs::path dir = scratch_path("yivideo-one-hertz");
  fs::create_directories(dir);
  const fs::path wav = dir / "1hz.wav";
  std::ofstream(wav, std::ios::binary) << wav_bytes(1, 600);  // 10 minutes in 1.2 KB
  media::AudioReader reader(wav.string(), 16000, 1);
  size_t largest = 0, total = 0;
  reader.read([&](const float*, size_t frames) {
    largest = std::max(largest, frames);
    total += frames;
    return true;
  });
  EXPECT_LE(largest, 65536u) << "a block of " << largest << " frames";
  EXPECT_NEAR(double(total) / 16000, 600, 1);
  fs::remove_all(dir);
}

TEST(MediaBomb, DecodingPastTheMediaLimitFailsTheStageWithMediaTooLong) {
  LiveServer server("yivideo-media-bomb", {.workers = 1, .env = {"YIVIDEO_MAX_MEDIA_SECONDS=60"}});
  httplib::Client client(server.host(), server.port());
  const fs::path dir = scratch_path("yivideo-media-bomb-files");
  fs::create_directories(dir);
  const std::vector<std::pair<std::string, std::string>> bombs = {
      {"bombs/1hz.wav", wav_bytes(1, 600)}, {"bombs/silence.flac", silent_flac(dir, 120)}};
  for (const auto& [key, bytes] : bombs) {
    const auto uploaded =
        client.Post("/v1/files/upload",
                    httplib::MultipartFormDataItems{{"file", bytes, "bomb", ""}, {"file_path", key, "", ""}});
    ASSERT_TRUE(uploaded && uploaded->status == 200) << key;
    const std::string id = "bomb-" + fs::path(key).stem().string();
    server.post(
        "/v1/tasks",
        {{"task_name", "ffmpeg.extract_audio"}, {"task_id", id}, {"input_data", {{"video_path", key}}}});
    const json task = server.wait_for_task(id, 60);
    EXPECT_EQ(task["status"], "failed") << key << ": " << task.dump(2);
    EXPECT_NE(task.dump().find("media_too_long"), std::string::npos) << key << ": " << task.dump(2);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace yv::test

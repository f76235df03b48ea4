// audio_separator.separate_vocals through the HTTP API, as a client meets it: a workflow whose stage a worker
// process runs after extract_audio (the model loaded there, both stems published to the store), mistakes
// refused at submit with {"detail", "code"} and 400, and media without audio failing its stage, not retried.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/fixtures.h"
#include "support/live_server.h"

namespace yv::test {
namespace {

using nlohmann::json;

class SeparateVocalsApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LiveServer("yivideo-separation-api"); }
  static void TearDownTestSuite() { delete server_; }

  static json workflow(const std::string& media, std::vector<std::string> chain, json separation = {}) {
    return {{"video_path", media},
            {"workflow_config", {{"workflow_chain", std::move(chain)}}},
            {"audio_separator.separate_vocals", separation.is_null() ? json::object() : separation}};
  }

  static inline LiveServer* server_ = nullptr;
};

TEST_F(SeparateVocalsApi, AStageAfterExtractAudioPublishesBothStems) {
  const std::string id = server_->post(
      "/v1/workflows",
      workflow(synth_fixture("meeting.mp4"), {"ffmpeg.extract_audio", "audio_separator.separate_vocals"}),
      202)["workflow_id"];
  const json done = server_->wait_for_workflow(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  const json& stage = done["stages"]["stage_1"];
  const json& out = stage["output"];
  EXPECT_EQ(out["vocal_audio"], "/share/workflows/" + id + "/stage_1/vocals.flac");
  ASSERT_EQ(out["all_audio_files"].size(), 2u);
  for (const std::string file : out["all_audio_files"])
    EXPECT_TRUE(std::filesystem::exists(server_->stored_file(file))) << file;
  EXPECT_EQ(out["model_used"], "spleeter-2stems");
  EXPECT_EQ(out["vocal_enhancement"], "gtcrn");
  EXPECT_TRUE(stage["download_urls"].contains("all_audio_files.1")) << stage["download_urls"].dump();
}

TEST_F(SeparateVocalsApi, MistakesAreRefusedAtSubmitWithTheirReason) {
  const std::string media = synth_fixture("meeting.mp4");
  for (const json& wrong : {json{{"model_name", "UVR-MDX-NET-Inst_HQ_3"}}, json{{"quality_mode", "best"}},
                            json{{"output_format", "ogg"}}, json{{"enhance_vocals", "yes"}}}) {
    const json body =
        server_->post("/v1/workflows", workflow(media, {"audio_separator.separate_vocals"}, wrong), 400);
    EXPECT_EQ(body["code"], "invalid_parameter") << body.dump();
    EXPECT_NE(body["detail"].get<std::string>().find(wrong.begin().key()), std::string::npos) << body.dump();
  }
}

TEST_F(SeparateVocalsApi, MediaWithoutAudioFailsItsStageOnce) {
  const std::string id = server_->post(
      "/v1/workflows", workflow(synth_fixture("broken/video_only.mp4"), {"audio_separator.separate_vocals"}),
      202)["workflow_id"];
  const json done = server_->wait_for_workflow(id);
  ASSERT_EQ(done["status"], "failed") << done.dump(2);
  const std::string error = done["error"];
  EXPECT_TRUE(error.starts_with("stage_0 (audio_separator.separate_vocals) failed: no_audio_stream"))
      << error;
  EXPECT_EQ(done["stages"]["stage_0"]["attempts"], 1) << "bad input is not retried";
}

}  // namespace
}  // namespace yv::test

// indextts.generate_speech through the HTTP API, as a client meets it: a task that a worker process runs
// (the voice loaded there, the file published to the store), and mistakes refused at submit with
// {"detail", "code"} and 400 before anything is queued.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/live_server.h"

namespace yv::test {
namespace {

using nlohmann::json;

class SpeechApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LiveServer("yivideo-tts-api"); }
  static void TearDownTestSuite() { delete server_; }

  static json task(const std::string& id, json input) {
    return {{"task_name", "indextts.generate_speech"}, {"task_id", id}, {"input_data", std::move(input)}};
  }

  static inline LiveServer* server_ = nullptr;
};

TEST_F(SpeechApi, ATaskSpeaksOnAWorkerAndPublishesTheAudio) {
  server_->post("/v1/tasks",
                task("tts-1", {{"text", "Hello from the worker. It speaks."}, {"voice", "joe"}}));
  const json status = server_->wait_for_task("tts-1", 120);
  ASSERT_EQ(status["status"], "completed") << status.dump();
  const json& out = status["result"]["output"];
  EXPECT_EQ(out["audio_path"], "/share/tasks/tts-1/speech.wav");
  EXPECT_TRUE(std::filesystem::exists(server_->stored_file(out["audio_path"]))) << out.dump();
  EXPECT_GT(out["duration"].get<double>(), 1.0);
  EXPECT_EQ(out["segments"], 2);
}

TEST_F(SpeechApi, MistakesAreRefusedAtSubmitWithTheirReason) {
  const auto refusal = [](const json& input) {
    const json body = server_->post("/v1/tasks", task("tts-refused", input), 400);
    EXPECT_EQ(body["code"], "invalid_parameter") << body.dump();
    return body["detail"].get<std::string>();
  };
  EXPECT_NE(refusal({{"text", "Hi."}, {"spk_audio_prompt", "me.wav"}}).find("cloning"), std::string::npos);
  EXPECT_NE(refusal({{"text", "Hi."}, {"voice", "nobody"}}).find("no voice 'nobody'"), std::string::npos);
  EXPECT_NE(refusal({{"text", "你好"}, {"voice", "joe"}, {"language", "zh"}}).find("not 'zh'"),
            std::string::npos);
  server_->get("/v1/tasks/tts-refused/status", 404);  // nothing was queued
}

// Neither text nor prepared_segments: in a workflow an earlier stage may give either, so the node learns it
// when it runs, and says what it needs.
TEST_F(SpeechApi, NothingToSpeakFailsTheTaskNamingWhatIsNeeded) {
  server_->post("/v1/tasks", task("tts-nothing", {{"voice", "joe"}}));
  const json status = server_->wait_for_task("tts-nothing", 120);
  EXPECT_EQ(status["status"], "failed") << status.dump();
  EXPECT_NE(status.dump().find("missing_input"), std::string::npos) << status.dump();
  EXPECT_NE(status.dump().find("prepared_segments"), std::string::npos) << status.dump();
}

}  // namespace
}  // namespace yv::test

// Issue 15, finding 1: a retry whose chain is shorter than the stored workflow read past the end of the chain
// (answers carried heap bytes, one crashed the API), dropped the later stages with their history and turned
// the failed workflow into a completed one. Such a request is refused and changes nothing.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/fixtures.h"
#include "support/live_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

class WorkflowChainSecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LiveServer("yivideo-security-chain"); }
  static void TearDownTestSuite() { delete server_; }

  // The status route's answer exactly as sent.
  static std::string status_bytes(const std::string& id) {
    auto res = httplib::Client("127.0.0.1", server_->port()).Get(("/v1/workflows/status/" + id).c_str());
    EXPECT_TRUE(res && res->status == 200);
    return res ? res->body : "";
  }

  static inline LiveServer* server_ = nullptr;
};

TEST_F(WorkflowChainSecurityTest, RetryWithAShorterChainIsRefusedAndChangesNothing) {
  // The subtitle stage is given audio for its segments file: the workflow fails there. (With none at all it
  // would be refused at submit, missing_input.)
  const json body = {
      {"video_path", shared_fixture("jfk.wav")},
      {"workflow_config", {{"workflow_chain", {"ffmpeg.extract_audio", "wservice.generate_subtitle_files"}}}},
      {"wservice.generate_subtitle_files", {{"segments_file", shared_fixture("jfk.wav")}}}};
  const std::string id = server_->post("/v1/workflows", body, 202)["workflow_id"];
  const json failed = server_->wait_for_workflow(id);
  ASSERT_EQ(failed["status"], "failed") << failed.dump(2);
  ASSERT_EQ(failed["stages"]["stage_0"]["status"], "completed");
  ASSERT_EQ(failed["stages"]["stage_1"]["status"], "failed");
  const std::string before = status_bytes(id);

  const json retry = {{"execution_mode", "retry"},
                      {"workflow_id", id},
                      {"workflow_config", {{"workflow_chain", {"ffmpeg.extract_audio"}}}}};
  const json refused = server_->post("/v1/workflows", retry, 400);
  EXPECT_EQ(refused["code"], "invalid_request");
  EXPECT_NE(refused["detail"].get<std::string>().find("never drops stages"), std::string::npos)
      << refused.dump();
  EXPECT_EQ(status_bytes(id), before);
}

}  // namespace
}  // namespace yv::test

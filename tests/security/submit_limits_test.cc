// Issue 15, lower-severity findings on what a submit may ask for: 10,000-stage chains, parameters out of
// range (sample_rate 0, channels 100000, an excerpt ending before it starts) and any number of queued jobs
// were accepted. Each is refused at submit, before anything is stored or queued.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/fixtures.h"
#include "support/live_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

json extract_workflow(int stages, const json& params = json::object()) {
  return {{"video_path", shared_fixture("jfk.wav")},
          {"workflow_config",
           {{"workflow_chain", std::vector<std::string>(size_t(stages), "ffmpeg.extract_audio")}}},
          {"ffmpeg.extract_audio", params}};
}

json extract_task(const std::string& id, json params) {
  params["video_path"] = shared_fixture("jfk.wav");
  return {{"task_name", "ffmpeg.extract_audio"}, {"task_id", id}, {"input_data", params}};
}

class SubmitLimitsSecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LiveServer("yivideo-security-submit-limits"); }
  static void TearDownTestSuite() { delete server_; }

  static inline LiveServer* server_ = nullptr;
};

TEST_F(SubmitLimitsSecurityTest, ChainsAreCappedAt64Stages) {
  EXPECT_EQ(server_->post("/v1/workflows", extract_workflow(10000), 400)["code"], "chain_too_long");
  EXPECT_EQ(server_->post("/v1/workflows", extract_workflow(65), 400)["code"], "chain_too_long");
  const std::string id = server_->post("/v1/workflows", extract_workflow(64), 202)["workflow_id"];
  server_->post("/v1/workflows/" + id + "/cancel", json::object());
}

TEST_F(SubmitLimitsSecurityTest, OutOfRangeParametersAreRefusedAtSubmit) {
  for (const json& params : {json{{"sample_rate", 0}}, json{{"channels", 100000}}, json{{"start", -1}}}) {
    const json workflow = server_->post("/v1/workflows", extract_workflow(1, params), 400);
    EXPECT_EQ(workflow["code"], "invalid_parameter") << params.dump();
    EXPECT_NE(workflow["detail"].get<std::string>().find(params.begin().key()), std::string::npos)
        << workflow.dump();
    EXPECT_EQ(server_->post("/v1/tasks", extract_task("out-of-range", params), 400)["code"],
              "invalid_parameter")
        << params.dump();
  }
}

TEST_F(SubmitLimitsSecurityTest, ExcerptEndingBeforeItStartsIsRefusedAtSubmit) {
  const json backwards = {{"start", 5.0}, {"end", 2.0}};
  EXPECT_EQ(server_->post("/v1/workflows", extract_workflow(1, backwards), 400)["code"], "invalid_parameter");
  EXPECT_EQ(server_->post("/v1/tasks", extract_task("backwards", backwards), 400)["code"],
            "invalid_parameter");
}

TEST_F(SubmitLimitsSecurityTest, SupportedTasksListTheBounds) {
  const json tasks = server_->get("/v1/tasks/supported-tasks")["tasks"];
  for (const json& node : tasks) {
    if (node["name"] != "ffmpeg.extract_audio") continue;
    for (const json& p : node["parameters"]) {
      if (p["name"] != "sample_rate") continue;
      EXPECT_EQ(p["minimum"], 8000);
      EXPECT_EQ(p["maximum"], 192000);
      return;
    }
  }
  FAIL() << "ffmpeg.extract_audio's sample_rate is not listed";
}

TEST(QueueLimitSecurityTest, SubmitsPastTheQueueLimitAre429) {
  // No workers: whatever is queued stays queued.
  const LiveServer server("yivideo-security-queue-limit",
                          {.workers = 0, .env = {"YIVIDEO_MAX_QUEUED_JOBS=2"}});
  server.post("/v1/tasks", extract_task("queued-1", json::object()));
  server.post("/v1/workflows", extract_workflow(1), 202);
  EXPECT_EQ(server.post("/v1/tasks", extract_task("queued-3", json::object()), 429)["code"], "queue_full");
  EXPECT_EQ(server.post("/v1/workflows", extract_workflow(1), 429)["code"], "queue_full");
}

}  // namespace
}  // namespace yv::test

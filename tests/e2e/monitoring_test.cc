// The monitoring routes (api-contract.md §6) against a live server whose worker serves a GPU device, on both
// state backends: answers must reflect what really happens (a lease held by the running node, an operator
// release that stops it, a killed worker reported dead with its job orphaned).
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "nodes/builtin_nodes.h"
#include "store/open_state.h"
#include "support/backend_suite.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/redis_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

const std::string kApi = "/api/v1/monitoring";
const std::string kTranscribe = "faster_whisper.transcribe_audio";

// Polls `path` every 50 ms for up to `seconds` until `done` holds for its answer; returns the last answer.
json poll(const LiveServer& server, const std::string& path, const std::function<bool(const json&)>& done,
          double seconds = 20) {
  json answer;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  do {
    answer = server.get(path);
    if (done(answer)) return answer;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < end);
  ADD_FAILURE() << path << " never reached the expected state: " << answer.dump();
  return answer;
}

class MonitoringTest : public BackendSuite {
 protected:
  void SetUp() override {
    server_ = &server_for("yivideo-monitoring",
                          {.workers = 1,
                           .lease_seconds = 0,
                           .env = {"YIVIDEO_NODE_QUEUES=" + kTranscribe + "=gpu"},
                           .backend = {},
                           .args = {"--queues", "cpu,gpu:0", "--gpu-wait", "2", "--dead-after", "2"}});
    // Every test starts with a live worker and a free GPU.
    poll(*server_, kApi + "/health", [](const json& h) { return h["components"]["workers"]["live"] == 1; });
  }
  // Submits a transcription of the 20 s meeting with beam search: seconds of GPU-node work.
  std::string submit_transcription() {
    json body = {{"video_path", synth_fixture("meeting.wav")},
                 {"workflow_config", {{"workflow_chain", {kTranscribe}}}},
                 {kTranscribe, {{"beam_size", 5}}}};
    return server_->post("/v1/workflows", body, 202)["workflow_id"];
  }
  json wait_locked() {
    return poll(*server_, kApi + "/gpu-lock/status?lock_key=gpu_lock:0",
                [](const json& s) { return s["is_locked"] == true; });
  }

  static inline LiveServer* server_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, MonitoringTest, ::testing::Values("sqlite", "redis"),
                         [](const auto& info) { return info.param; });

TEST_P(MonitoringTest, HealthChecksEveryComponent) {
  const json h = server_->get(kApi + "/health");
  EXPECT_EQ(h["status"], "healthy") << h.dump(2);
  EXPECT_TRUE(h["issues"].empty());
  const json& c = h["components"];
  EXPECT_EQ(c["state_store"]["status"], "healthy");
  EXPECT_GE(c["state_store"]["latency_ms"].get<double>(), 0);
  EXPECT_GT(c["storage"]["free_bytes"].get<double>(), 0);
  EXPECT_EQ(c["queue"]["status"], "healthy");
  EXPECT_EQ(c["workers"]["dead"], 0);
  EXPECT_EQ(c["gpu"]["status"], "healthy");
}

TEST_P(MonitoringTest, GpuLeaseIsHeldByTheRunningNodeAndReleasedAfter) {
  const std::string id = submit_transcription();
  const json locked = wait_locked();
  const json live = server_->get(kApi + "/heartbeat/all")["live"];
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(locked["lock_holder"], live[0]["worker"]);
  EXPECT_EQ(locked["task_name"], kTranscribe);
  EXPECT_GT(locked["ttl_seconds"].get<double>(), 0);
  EXPECT_LE(locked["ttl_seconds"].get<double>(), 30);
  EXPECT_EQ(locked["health"]["status"], "healthy");
  const auto metrics = httplib::Client(server_->host(), server_->port()).Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("yivideo_gpu_lease_held{lock_key=\"gpu_lock:0\"} 1"), std::string::npos)
      << metrics->body;
  const json beat = server_->get(kApi + "/heartbeat/task/" + id);
  EXPECT_EQ(beat["status"], "running");
  EXPECT_EQ(beat["worker"], locked["lock_holder"]);
  EXPECT_EQ(beat["stage"], "stage_0 (" + kTranscribe + ")");

  EXPECT_EQ(server_->wait_for_workflow(id)["status"], "completed");
  const json free = server_->get(kApi + "/gpu-lock/status?lock_key=gpu_lock:0");
  EXPECT_EQ(free["is_locked"], false);
  ASSERT_GE(free["recent_history"].size(), 2u);
  EXPECT_EQ(free["recent_history"][0]["event"], "released");
  EXPECT_EQ(free["recent_history"][0]["holder"], locked["lock_holder"]);
  EXPECT_EQ(free["recent_history"][1]["event"], "acquired");
  EXPECT_EQ(server_->get(kApi + "/heartbeat/task/" + id)["status"], "completed");
}

TEST_P(MonitoringTest, OperatorReleaseStopsTheNodeAndTheStageRunsAgain) {
  const std::string id = submit_transcription();
  wait_locked();
  EXPECT_EQ(server_->post(kApi + "/lock/release", {{"lock_key", "gpu_lock:0"}, {"task_name", "other"}},
                          409)["code"],
            "lock_not_held");
  const json released =
      server_->post(kApi + "/lock/release", {{"lock_key", "gpu_lock:0"}, {"task_name", "manual"}});
  EXPECT_EQ(released["released"], true);
  EXPECT_EQ(released["task_name"], kTranscribe);
  const json done = server_->wait_for_workflow(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  EXPECT_EQ(done["stages"]["stage_0"]["attempts"], 2) << "the fenced attempt, then a full one";
  const json status = server_->get(kApi + "/gpu-lock/status");
  std::vector<std::string> events;
  for (const auto& e : status["recent_history"]) events.push_back(e["event"].get<std::string>());
  EXPECT_NE(std::find(events.begin(), events.end(), "forced"), events.end()) << status.dump(2);
  EXPECT_EQ(server_->post(kApi + "/lock/release",
                          {{"lock_key", "gpu_lock:0"}, {"task_name", "manual"}})["released"],
            false);
}

TEST_P(MonitoringTest, ANodeThatNeverGetsItsGpuFailsWithGpuUnavailable) {
  const auto state = store::open_state(server_->backend());
  ASSERT_TRUE(state->leases().acquire("gpu_lock:0", "another-tool", "manual-test", 60));
  const json h = server_->get(kApi + "/health");
  EXPECT_EQ(h["components"]["gpu"]["status"], "warning") << "held by no live worker";
  const json done = server_->wait_for_workflow(submit_transcription());
  state->leases().force_release("gpu_lock:0");
  ASSERT_EQ(done["status"], "failed");
  EXPECT_TRUE(done["stages"]["stage_0"]["error"].get<std::string>().starts_with("gpu_unavailable:"))
      << done["stages"]["stage_0"]["error"];
  EXPECT_EQ(done["stages"]["stage_0"]["attempts"], 1) << "not retried";
}

TEST_P(MonitoringTest, KilledWorkerIsReportedDeadWithItsJobOrphaned) {
  const std::string id = submit_transcription();
  const std::string holder = wait_locked()["lock_holder"];
  const auto pids = server_->worker_pids();
  ASSERT_EQ(pids.size(), 1u);
  ASSERT_EQ(kill(pids[0], SIGKILL), 0);
  const json beat =
      poll(*server_, kApi + "/heartbeat/task/" + id, [](const json& b) { return b["status"] == "dead"; });
  EXPECT_EQ(beat["worker"], holder);
  const json all = server_->get(kApi + "/heartbeat/all");
  bool orphaned = false;
  for (const auto& o : all["orphaned"]) orphaned = orphaned || o["worker"] == holder;
  EXPECT_TRUE(orphaned) << all.dump(2);
  EXPECT_EQ(server_->get(kApi + "/gpu-lock/status")["health"]["status"], "warning");
  server_->post("/v1/workflows/" + id + "/cancel", json::object());
  server_->post(kApi + "/lock/release", {{"lock_key", "gpu_lock:0"}, {"task_name", "manual"}});
}

TEST_P(MonitoringTest, TimeoutConfigAndStatisticsComeFromTheEngine) {
  const json config = server_->get(kApi + "/timeout/config");
  EXPECT_EQ(config["soft_timeout"], 30);
  EXPECT_EQ(config["warning"], 2);
  EXPECT_EQ(config["node_timeouts"].size(), builtin_nodes().names().size()) << "one limit per node";
  EXPECT_EQ(config["node_timeouts"][kTranscribe], 3600);
  const std::string task =
      server_->post("/v1/tasks", {{"task_name", "ffmpeg.extract_audio"},
                                  {"input_data", {{"video_path", synth_fixture("meeting.mp4")}}}})["task_id"];
  ASSERT_EQ(server_->wait_for_task(task, 60)["status"], "completed");
  const json node = server_->get(kApi + "/statistics")["nodes"]["ffmpeg.extract_audio"];
  EXPECT_GE(node["runs"].get<int>(), 1);
  EXPECT_GT(node["mean_duration_seconds"].get<double>(), 0);
  EXPECT_GE(node["p95_duration_seconds"].get<double>(), 0);
  EXPECT_EQ(node["failure_rate"], 0.0);
}

TEST_P(MonitoringTest, UnknownAndMalformedRequestsAreRefused) {
  EXPECT_EQ(server_->get(kApi + "/heartbeat/task/never-seen", 404)["code"], "heartbeat_not_found");
  EXPECT_EQ(server_->get(kApi + "/gpu-lock/status?lock_key=../etc", 400)["code"], "invalid_request");
  EXPECT_EQ(server_->post(kApi + "/lock/release", {{"lock_key", "gpu_lock:0"}}, 400)["code"],
            "invalid_request");
  EXPECT_EQ(server_->call("POST", kApi + "/lock/release", "not json", 400)["code"], "invalid_json");
}

}  // namespace
}  // namespace yv::test

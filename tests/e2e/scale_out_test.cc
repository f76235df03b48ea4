// The scale-out deployment for real: a gateway and workers on separate "hosts" (network namespaces) sharing
// one Redis and one S3 server, a GPU worker killed with -9 while it holds its device's lease, Redis killed
// and restarted in the middle of running workflows, and stages that run far longer than their lease.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/moto_server.h"
#include "support/netns_lab.h"
#include "support/redis_server.h"
#include "support/subprocess.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

const std::string kMonitoring = "/api/v1/monitoring";
const std::string kTranscribe = "faster_whisper.transcribe_audio";

// prefix + n (spelled so that GCC 12 does not see a false overlap in "literal" + std::to_string(n)).
std::string numbered(const char* prefix, int n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

json chain_on(const std::string& media) {
  return {{"video_path", media},
          {"workflow_config", {{"workflow_chain", {"ffmpeg.extract_audio", kTranscribe}}}},
          {"language", "en"},
          {kTranscribe, {{"beam_size", 1}}}};
}

// GETs `path` until every id is settled (not pending or running), tolerating refusals while the state is away
// (a 503 during a Redis restart is the contract's answer, not a failure). Returns the last statuses.
std::vector<json> wait_all(const LiveServer& server, const std::vector<std::string>& ids, double seconds) {
  httplib::Client client(server.host(), server.port());
  std::vector<json> done(ids.size());
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  for (size_t i = 0; i < ids.size();) {
    const auto res = client.Get("/v1/workflows/status/" + ids[i]);
    if (res && res->status == 200) {
      done[i] = json::parse(res->body);
      const std::string status = done[i]["status"];
      if (status != "pending" && status != "running") {
        ++i;
        continue;
      }
    }
    if (Clock::now() > end) {
      ADD_FAILURE() << ids[i] << " did not finish in " << seconds << " s: " << done[i].dump();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done;
}

std::vector<std::string> submit(const LiveServer& server, const json& body, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(server.post("/v1/workflows", body, 202)["workflow_id"]);
  return ids;
}

// Acceptance of the scale-out issue: three worker hosts and a gateway host complete 50 workflows; one GPU
// worker is killed mid-node; its lease comes back within one lease length and its stage completes once.
TEST(ScaleOutTest, WorkersOnSeparateHostsCompleteFiftyWorkflowsAndSurviveAKilledGpuWorker) {
  if (!NetnsLab::available()) GTEST_SKIP() << "needs root and iproute2 for network namespaces";
  NetnsLab lab;
  const std::string gateway_host = lab.add_host("gw");
  for (int i = 1; i <= 3; ++i) lab.add_host(numbered("w", i));
  RedisServer redis(lab.bridge_address());
  MotoServer moto(lab.bridge_address());
  const std::string backend = redis.url(lab.bridge_address());
  std::vector<std::string> env = moto.store_env();
  env.push_back("YIVIDEO_NODE_QUEUES=" + kTranscribe + "=gpu");
  constexpr double kLease = 4;
  // The lab's private network stands in for a trusted one: the gateway serves it without API keys.
  LiveServer gateway("yivideo-scale-out-gw", {.workers = 0,
                                              .env = env,
                                              .backend = backend,
                                              .args = {"--insecure-no-auth"},
                                              .host = gateway_host,
                                              .command_prefix = lab.on("gw")});
  std::vector<std::unique_ptr<ChildProcess>> workers;
  for (int i = 1; i <= 3; ++i) {
    const fs::path home = gateway.dir() / numbered("w", i);
    fs::create_directories(home);
    std::vector<std::string> argv = lab.on(numbered("w", i));
    argv.insert(argv.end(), {YIVIDEO_BIN, "worker", "--backend", backend, "--queues", numbered("cpu,gpu:", i),
                             "--lease", std::to_string(kLease), "--name", numbered("host", i), "--work-dir",
                             (home / "work").string()});
    std::vector<std::string> worker_env = env;
    worker_env.push_back("YIVIDEO_DATA_DIR=" + (home / "data").string());
    workers.push_back(std::make_unique<ChildProcess>(argv, worker_env, (home / "worker.log").string()));
  }

  httplib::Client client(gateway.host(), gateway.port());
  const auto uploaded = client.Post(
      "/v1/files/upload",
      httplib::MultipartFormDataItems{{"file", read_text(shared_fixture("jfk.wav")), "jfk.wav", ""},
                                      {"file_path", "videos/jfk.wav", "", ""}});
  ASSERT_TRUE(uploaded && uploaded->status == 200) << (uploaded ? uploaded->body : "no answer");
  const std::vector<std::string> ids = submit(gateway, chain_on("videos/jfk.wav"), 50);

  // Kill the first worker seen holding its GPU, then time how long its lease outlives it.
  std::string key;
  int victim = 0;
  for (const auto end = Clock::now() + std::chrono::seconds(60); victim == 0 && Clock::now() < end;) {
    for (int i = 1; i <= 3 && victim == 0; ++i) {
      const json lock = gateway.get(kMonitoring + numbered("/gpu-lock/status?lock_key=gpu_lock:", i));
      if (lock["is_locked"] == true) {
        key = lock["lock_key"];
        victim = i;
      }
    }
  }
  ASSERT_NE(victim, 0) << "no worker was ever seen holding its GPU";
  ASSERT_EQ(workers[victim - 1]->stop(SIGKILL), 128 + SIGKILL);
  const auto killed = Clock::now();
  while (gateway.get(kMonitoring + "/gpu-lock/status?lock_key=" + key)["is_locked"] == true &&
         Clock::now() - killed < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double held_after_death = std::chrono::duration<double>(Clock::now() - killed).count();
  EXPECT_LE(held_after_death, kLease + 1) << key << " outlived its holder";
  std::printf("[ measured ] %s was free %.2f s after its holder was killed (lease %.0f s)\n", key.c_str(),
              held_after_death, kLease);

  const std::vector<json> done = wait_all(gateway, ids, 300);
  int rerun = 0;
  for (const json& w : done) {
    ASSERT_EQ(w["status"], "completed") << w.dump(2);
    for (const auto& [name, stage] : w["stages"].items()) {
      EXPECT_LE(stage["attempts"].get<int>(), 2) << w["workflow_id"] << " " << name;
      EXPECT_FALSE(stage.contains("history")) << "a stage ran twice as separate runs";
      rerun += stage["attempts"].get<int>() - 1;
    }
    EXPECT_NE(w["stages"]["stage_1"]["output"]["text"].get<std::string>().find("ask not what your country"),
              std::string::npos);
  }
  EXPECT_GE(rerun, 1) << "the killed worker's stage ran again";
  const json stats = gateway.get(kMonitoring + "/statistics")["nodes"];
  EXPECT_EQ(stats[kTranscribe]["completed"], 50) << "every transcription committed exactly once";
  EXPECT_EQ(stats["ffmpeg.extract_audio"]["completed"], 50);
  const json heartbeats = gateway.get(kMonitoring + "/heartbeat/all");
  EXPECT_EQ(heartbeats["counts"]["live"], 2) << heartbeats.dump(2);
}

// Redis killed (-9) and restarted from its AOF while 20 workflows run: every workflow completes, no stage
// twice.
TEST(ScaleOutTest, RedisRestartedUnderTwentyRunningWorkflowsLosesNothing) {
  RedisServer redis;
  LiveServer server("yivideo-redis-restart", {.workers = 2, .lease_seconds = 10, .backend = redis.url()});
  const std::vector<std::string> ids = submit(server, chain_on(shared_fixture("jfk.wav")), 20);
  // Restart once some, but not all, have completed.
  for (const auto end = Clock::now() + std::chrono::seconds(120); Clock::now() < end;) {
    const json page = server.get("/v1/workflows?status=completed&limit=200");
    if (page["count"].get<int>() >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_LT(server.get("/v1/workflows?status=completed&limit=200")["count"].get<int>(), 20);
  redis.restart();
  for (const json& w : wait_all(server, ids, 300)) {
    ASSERT_EQ(w["status"], "completed") << w.dump(2);
    for (const auto& [name, stage] : w["stages"].items()) {
      EXPECT_EQ(stage["attempts"], 1) << w["workflow_id"] << " " << name << ": ran twice";
    }
  }
  EXPECT_EQ(server.get(kMonitoring + "/statistics")["nodes"][kTranscribe]["completed"], 20);
}

// A stage far longer than its lease (0.5 s) runs exactly once: its heartbeats keep the claim.
class LongStageTest : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Backends, LongStageTest, ::testing::Values("sqlite", "redis"),
                         [](const auto& info) { return info.param; });

TEST_P(LongStageTest, StageLongerThanEveryLeaseRunsOnce) {
  std::unique_ptr<RedisServer> redis;
  LiveServer::Options options{.workers = 1, .lease_seconds = 0.5};
  if (GetParam() == "redis") {
    redis = std::make_unique<RedisServer>();
    options.backend = redis->url();
  }
  LiveServer server("yivideo-long-stage-" + GetParam(), options);
  json body = chain_on(synth_fixture("meeting.wav"));
  body["workflow_config"]["workflow_chain"] = {kTranscribe};
  // Seconds of work even on a fast machine: tiny.en with beam 5 took 1.49 s on CI, too close to 3 leases.
  body[kTranscribe]["model"] = "base";
  body[kTranscribe]["language"] = "en";
  body[kTranscribe]["beam_size"] = 5;
  const json done = server.wait_for_workflow(server.post("/v1/workflows", body, 202)["workflow_id"]);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  EXPECT_GT(done["stages"]["stage_0"]["duration"].get<double>(), 1.5) << "not several leases long";
  EXPECT_EQ(done["stages"]["stage_0"]["attempts"], 1);
}

}  // namespace
}  // namespace yv::test

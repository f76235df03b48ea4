// Callbacks (api-contract.md §5) delivered by a live server to a local receiver: signed, retried with
// back-off, visible as callback_status, and delivered even when the server was killed in between.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "net/webhook.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/web_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

constexpr const char* kSecret = "test-secret";

// An HTTP endpoint on loopback that records the callbacks it receives and fails the first `failures`.
class Receiver {
 public:
  struct Call {
    std::string body, signature;
    httplib::Headers headers;
  };
  Receiver(int port, int failures) : failures_(failures) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      calls_.push_back({req.body, req.get_header_value("X-YiVideo-Signature"), req.headers});
      res.status = int(calls_.size()) <= failures_ ? 503 : 200;
    });
    server_.start(port);
  }
  std::vector<Call> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  int failures_;
  std::mutex mutex_;
  std::vector<Call> calls_;
  WebServer server_;  // last: destroyed first, so no handler runs on the members above once they go
};

LiveServer::Options callback_options() {
  return {.workers = 1,
          .lease_seconds = 0,
          .env = {"YIVIDEO_CALLBACK_ALLOW_PRIVATE=1", std::string("YIVIDEO_CALLBACK_SECRET=") + kSecret,
                  "YIVIDEO_CALLBACK_RETRY_BASE=0.2"}};
}

json extract_workflow(const std::string& callback) {
  return {{"video_path", shared_fixture("jfk.wav")},
          {"workflow_config", {{"workflow_chain", {"ffmpeg.extract_audio"}}}},
          {"callback", callback}};
}

// Polls `path` until its callback_status is `status`.
json wait_for_callback(const LiveServer& server, const std::string& path, const std::string& status) {
  json s;
  for (int i = 0; i < 600; ++i) {
    s = server.get(path);
    if (s["callback_status"].is_object() && s["callback_status"]["status"] == status) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return s;
}

TEST(Callback, SignatureIsHmacSha256OfTheBody) {
  // RFC 4231, test case 2.
  EXPECT_EQ(net::signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Callback, WorkflowCallbackIsSignedAndRetriedUntilDelivered) {
  const int port = free_port();
  Receiver receiver(port, 2);
  LiveServer server("yivideo-callback-workflow", callback_options());
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  const std::string id = server.post("/v1/workflows", extract_workflow(url), 202)["workflow_id"];
  EXPECT_EQ(server.get("/v1/workflows/status/" + id)["callback_status"]["attempts"], 0);
  const json s = wait_for_callback(server, "/v1/workflows/status/" + id, "delivered");
  ASSERT_EQ(s["callback_status"]["status"], "delivered") << s.dump(2);
  EXPECT_EQ(s["callback_status"]["attempts"], 3);
  const auto calls = receiver.calls();
  ASSERT_EQ(calls.size(), 3u);
  const double now = double(std::time(nullptr));
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].signature, net::signature(kSecret, calls[i].body));
    // Every attempt sends the same record, with a delivery stamp of its own under the signature: a receiver
    // can refuse a replay (an old sent_at, or a callback_id and attempt seen before).
    json record = json::parse(calls[i].body), first = json::parse(calls[0].body);
    const json delivery = record["delivery"];
    EXPECT_EQ(delivery["attempt"], i + 1);
    EXPECT_EQ(delivery["callback_id"], first["delivery"]["callback_id"]);
    EXPECT_NEAR(delivery["sent_at"].get<double>(), now, 120);
    record.erase("delivery");
    first.erase("delivery");
    EXPECT_EQ(record, first) << "every attempt sends the same record";
  }
  const json body = json::parse(calls[0].body);
  EXPECT_EQ(body["workflow_id"], id);
  EXPECT_EQ(body["status"], "completed");
  EXPECT_EQ(body["stages"]["stage_0"]["status"], "completed");
  EXPECT_TRUE(body["error"].is_null());
  EXPECT_TRUE(body["timestamp"].is_string());
}

TEST(Callback, TaskCallbackCarriesTheResult) {
  const int port = free_port();
  Receiver receiver(port, 0);
  LiveServer server("yivideo-callback-task", callback_options());
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  server.post("/v1/tasks", {{"task_name", "ffmpeg.extract_audio"},
                            {"task_id", "cb-task"},
                            {"input_data", {{"video_path", shared_fixture("jfk.wav")}}},
                            {"callback", url}});
  const json s = wait_for_callback(server, "/v1/tasks/cb-task/status", "delivered");
  ASSERT_EQ(s["callback_status"]["status"], "delivered") << s.dump(2);
  const json body = json::parse(receiver.calls().at(0).body);
  EXPECT_EQ(body["task_id"], "cb-task");
  EXPECT_EQ(body["status"], "completed");
  EXPECT_NEAR(body["result"]["output"]["duration"].get<double>(), 11.0, 0.1);
}

TEST(Callback, ReusedTaskResultIsAnnouncedAgain) {
  const int port = free_port();
  Receiver receiver(port, 0);
  LiveServer server("yivideo-callback-reuse", callback_options());
  const json task = {{"task_name", "ffmpeg.extract_audio"},
                     {"task_id", "cb-reuse"},
                     {"input_data", {{"video_path", shared_fixture("jfk.wav")}}},
                     {"callback", "http://127.0.0.1:" + std::to_string(port) + "/hook"}};
  server.post("/v1/tasks", task);
  ASSERT_EQ(wait_for_callback(server, "/v1/tasks/cb-reuse/status", "delivered")["callback_status"]["status"],
            "delivered");
  EXPECT_EQ(server.post("/v1/tasks", task)["status"], "completed");  // the stored result, at once
  for (int i = 0; i < 200 && receiver.calls().size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(receiver.calls().size(), 2u);
  EXPECT_EQ(json::parse(receiver.calls()[1].body)["status"], "completed");
}

TEST(Callback, PendingCallbackIsDeliveredAfterTheServerIsKilledAndRestarted) {
  const int port = free_port();  // nobody listens there yet
  LiveServer server("yivideo-callback-restart", callback_options());
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  const std::string id = server.post("/v1/workflows", extract_workflow(url), 202)["workflow_id"];
  json s;
  for (int i = 0; i < 600; ++i) {
    s = server.get("/v1/workflows/status/" + id);
    if (s["callback_status"]["attempts"].get<int>() >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(s["callback_status"]["status"], "pending") << s.dump(2);
  EXPECT_FALSE(s["callback_status"]["last_error"].is_null());
  EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);
  Receiver receiver(port, 0);
  server.start();
  s = wait_for_callback(server, "/v1/workflows/status/" + id, "delivered");
  ASSERT_EQ(s["callback_status"]["status"], "delivered") << s.dump(2);
  ASSERT_EQ(receiver.calls().size(), 1u);
  EXPECT_EQ(json::parse(receiver.calls()[0].body)["workflow_id"], id);
}

// The submitter's own credential for its receiver goes with every attempt, and nowhere else.
TEST(Callback, TheAuthHeaderIsSentWithEveryAttemptAndNeverShown) {
  const int port = free_port();
  Receiver receiver(port, 1);
  LiveServer server("yivideo-callback-auth", callback_options());
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  json workflow = extract_workflow(url);
  workflow["callback_auth_header"] = "Bearer wf-s3cret";
  const std::string id = server.post("/v1/workflows", workflow, 202)["workflow_id"];
  const json s = wait_for_callback(server, "/v1/workflows/status/" + id, "delivered");
  ASSERT_EQ(s["callback_status"]["status"], "delivered") << s.dump(2);
  server.post("/v1/tasks", {{"task_name", "ffmpeg.extract_audio"},
                            {"task_id", "cb-auth"},
                            {"input_data", {{"video_path", shared_fixture("jfk.wav")}}},
                            {"callback", url},
                            {"callback_auth_header", "X-Hook-Token: task-s3cret"}});
  const json t = wait_for_callback(server, "/v1/tasks/cb-auth/status", "delivered");
  ASSERT_EQ(t["callback_status"]["status"], "delivered") << t.dump(2);

  const auto calls = receiver.calls();
  ASSERT_EQ(calls.size(), 3u) << "the workflow's two attempts and the task's one";
  for (int i : {0, 1}) {
    EXPECT_EQ(calls[i].headers.find("Authorization")->second, "Bearer wf-s3cret") << "attempt " << i + 1;
    EXPECT_EQ(calls[i].body.find("s3cret"), std::string::npos);
  }
  EXPECT_EQ(calls[2].headers.find("X-Hook-Token")->second, "task-s3cret");
  EXPECT_EQ(calls[2].headers.count("Authorization"), 0u);
  for (const std::string& route :
       std::vector<std::string>{"/v1/workflows/status/" + id, "/v1/tasks/cb-auth/status"}) {
    EXPECT_EQ(server.get(route).dump().find("s3cret"), std::string::npos) << route << " shows the header";
  }
}

TEST(Callback, MalformedAuthHeadersAreRefusedAtSubmit) {
  LiveServer server("yivideo-callback-auth-refused", callback_options());
  for (const std::string& header :
       std::vector<std::string>{"Host: evil.example", "content-length: 5", "Bearer a\r\nX-Other: b",
                                "X-Token:", std::string(5000, 'a')}) {
    json workflow = extract_workflow("http://127.0.0.1:9/hook");
    workflow["callback_auth_header"] = header;
    EXPECT_EQ(server.post("/v1/workflows", workflow, 400)["code"], "invalid_callback") << header;
  }
  json without_callback = extract_workflow("http://127.0.0.1:9/hook");
  without_callback.erase("callback");
  without_callback["callback_auth_header"] = "Bearer x";
  EXPECT_EQ(server.post("/v1/workflows", without_callback, 400)["code"], "invalid_request");
  EXPECT_EQ(server.post("/v1/tasks",
                        {{"task_name", "ffmpeg.extract_audio"},
                         {"input_data", {{"video_path", shared_fixture("jfk.wav")}}},
                         {"callback", "http://127.0.0.1:9/hook"},
                         {"callback_auth_header", 42}},
                        400)["code"],
            "invalid_request");
}

TEST(Callback, PrivateAndNonHttpTargetsAreRefusedByDefault) {
  LiveServer server("yivideo-callback-refused");
  for (const std::string url : {"http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://[::1]/hook",
                                "ftp://example.org/hook", "not a url"}) {
    EXPECT_EQ(server.post("/v1/workflows", extract_workflow(url), 400)["code"], "invalid_callback") << url;
  }
  EXPECT_EQ(server.post("/v1/tasks",
                        {{"task_name", "ffmpeg.extract_audio"},
                         {"input_data", {{"video_path", shared_fixture("jfk.wav")}}},
                         {"callback", "http://localhost/hook"}},
                        400)["code"],
            "invalid_callback");
}

}  // namespace
}  // namespace yv::test

// Issue 15, finding 5 (DNS on the request path): callback and input URLs whose host is a name are accepted at
// submit without a lookup (a slow resolver held an API thread for seconds), and the name is resolved and
// checked when the connection is made: a name of a loopback address is refused there, with the reason shown.
// `*.localhost` names serve as such names: libcurl resolves them to loopback, the system resolver does not.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/web_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

class OutboundAddressTest : public ::testing::Test {
 protected:
  // A web server on loopback that counts the requests reaching it, and a server that allows no private
  // targets.
  static void SetUpTestSuite() {
    web_ = new WebServer();
    web_->set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
      ++hits_;
      return httplib::Server::HandlerResponse::Unhandled;
    });
    web_->Post("/hook", [](const httplib::Request&, httplib::Response& res) { res.status = 200; });
    web_->Get("/jfk.wav", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(read_text(shared_fixture("jfk.wav")), "audio/wav");
    });
    web_->start();
    server_ = new LiveServer("yivideo-outbound-address",
                             {.workers = 1, .env = {"YIVIDEO_CALLBACK_RETRY_BASE=0.2"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete web_;
  }
  // An extraction workflow with `callback`; its id. The answer must come at once.
  static std::string submit_with_callback(const std::string& callback) {
    const auto start = std::chrono::steady_clock::now();
    const json workflow = {{"video_path", shared_fixture("jfk.wav")},
                           {"workflow_config", {{"workflow_chain", {"ffmpeg.extract_audio"}}}},
                           {"callback", callback}};
    const json answer = server_->post("/v1/workflows", workflow, 202);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
    return answer["workflow_id"];
  }
  // The workflow's callback_status once an attempt was made (or after 60 s).
  static json attempted_callback(const std::string& id) {
    json status;
    for (int i = 0; i < 600; ++i) {
      status = server_->get("/v1/workflows/status/" + id)["callback_status"];
      if (status.is_object() && status["attempts"].get<int>() > 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return status;
  }
  static std::string url(const std::string& host, const std::string& path) { return web_->url(path, host); }

  static inline WebServer* web_ = nullptr;
  static inline std::atomic<int> hits_ = 0;
  static inline LiveServer* server_ = nullptr;
};

TEST_F(OutboundAddressTest, CallbackHostIsNotResolvedAtSubmitAndAnUnresolvableOneFailsItsDelivery) {
  const json status = attempted_callback(submit_with_callback("http://hook.invalid/hook"));
  ASSERT_TRUE(status.is_object()) << status.dump(2);
  EXPECT_NE(status["last_error"].get<std::string>().find("hook.invalid does not resolve"), std::string::npos)
      << status.dump(2);
}

TEST_F(OutboundAddressTest, CallbackToANameOfALoopbackAddressIsRefusedAtDeliveryNotDelivered) {
  const int hits_before = hits_;
  const json status = attempted_callback(submit_with_callback(url("hook.localhost", "/hook")));
  ASSERT_TRUE(status.is_object()) << status.dump(2);
  EXPECT_EQ(status["status"], "failed") << "a refused address is not retried: " << status.dump(2);
  EXPECT_NE(status["last_error"].get<std::string>().find("refused: hook.localhost is"), std::string::npos)
      << status.dump(2);
  EXPECT_NE(status["last_error"].get<std::string>().find("YIVIDEO_CALLBACK_ALLOW_PRIVATE"),
            std::string::npos);
  EXPECT_EQ(hits_, hits_before);
}

TEST_F(OutboundAddressTest, InputUrlNamingALoopbackAddressFailsTheStageNotTheSubmit) {
  const int hits_before = hits_;
  server_->post("/v1/tasks", {{"task_name", "ffmpeg.extract_audio"},
                              {"task_id", "loopback-input"},
                              {"input_data", {{"video_path", url("media.localhost", "/jfk.wav")}}}});
  const json task = server_->wait_for_task("loopback-input", 60);
  EXPECT_EQ(task["status"], "failed") << task.dump(2);
  EXPECT_NE(task.dump().find("input_unavailable"), std::string::npos) << task.dump(2);
  EXPECT_NE(task.dump().find("refused: media.localhost is"), std::string::npos) << task.dump(2);
  EXPECT_EQ(hits_, hits_before);
}

}  // namespace
}  // namespace yv::test

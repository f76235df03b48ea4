// http(s) URLs as node inputs: downloaded by the worker with redirects followed (a few), a size limit, and
// only from addresses the operator allows (loopback here, since the test's web server is on this machine).
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/web_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

class UrlInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    web_ = new WebServer();
    static const std::string clip = read_text(shared_fixture("jfk.wav"));
    web_->Get("/media/jfk.wav",
              [](const httplib::Request&, httplib::Response& res) { res.set_content(clip, "audio/wav"); });
    web_->Get("/redirect",
              [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/media/jfk.wav"); });
    web_->Get("/loop", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop"); });
    web_->Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(2000000, 'x'), "application/octet-stream");
    });
    web_->start();
    server_ = new LiveServer("yivideo-url-input",
                             {.workers = 1,
                              .lease_seconds = 0,
                              .env = {"YIVIDEO_URL_ALLOW_PRIVATE=1", "YIVIDEO_URL_MAX_BYTES=1000000"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete web_;
  }
  static std::string url(const std::string& path) { return web_->url(path); }
  // Submits ffmpeg.extract_audio on `video_path` as task `id` and waits for its end.
  static json extract(const std::string& id, const std::string& video_path) {
    server_->post("/v1/tasks", {{"task_name", "ffmpeg.extract_audio"},
                                {"task_id", id},
                                {"input_data", {{"video_path", video_path}}}});
    return server_->wait_for_task(id, 30);
  }

  static inline WebServer* web_ = nullptr;
  static inline LiveServer* server_ = nullptr;
};

TEST_F(UrlInputTest, AUrlIsDownloadedAndProcessed) {
  const json done = extract("from-url", url("/media/jfk.wav"));
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  EXPECT_NEAR(done["result"]["output"]["duration"].get<double>(), 11.0, 0.1);
}

TEST_F(UrlInputTest, RedirectsAreFollowedButNotForever) {
  EXPECT_EQ(extract("redirected", url("/redirect"))["status"], "completed");
  const json loop = extract("looping", url("/loop"));
  EXPECT_EQ(loop["status"], "failed");
  EXPECT_NE(loop.dump().find("input_unavailable"), std::string::npos) << loop.dump(2);
}

TEST_F(UrlInputTest, TooLargeAndMissingInputsFailClearly) {
  const json big = extract("too-big", url("/big"));
  EXPECT_EQ(big["status"], "failed");
  EXPECT_NE(big.dump().find("input_too_large"), std::string::npos) << big.dump(2);
  const json missing = extract("missing", url("/nothing-here.mp4"));
  EXPECT_EQ(missing["status"], "failed");
  EXPECT_NE(missing.dump().find("HTTP 404"), std::string::npos) << missing.dump(2);
}

}  // namespace
}  // namespace yv::test

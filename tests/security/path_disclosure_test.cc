// Issue 15, lower severity: answers named a client's inputs by the server's own paths. A workflow given
// "videos/demo.mp4" showed its storage root in input_params and in the stage's input, and a failed stage or
// task said "cannot decode audio of /<data dir>/files/yivideo/videos/…". They name inputs as they were given.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "support/fixtures.h"
#include "support/live_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

class PathDisclosureSecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new LiveServer("yivideo-security-paths");
    std::ifstream speech(shared_fixture("jfk.wav"), std::ios::binary);
    upload("videos/speech.wav", std::string(std::istreambuf_iterator<char>(speech), {}));
    upload("videos/junk.mp4", "this is not media");
  }
  static void TearDownTestSuite() { delete server_; }

  static void upload(const std::string& key, const std::string& content) {
    const httplib::MultipartFormDataItems items = {
        {"file", content, "upload.bin", "application/octet-stream"}, {"file_path", key, "", ""}};
    auto res = httplib::Client("127.0.0.1", server_->port()).Post("/v1/files/upload", items);
    ASSERT_TRUE(res && res->status == 200) << key;
  }
  static json run_workflow(const std::string& video) {
    const json body = {{"video_path", video},
                       {"workflow_config", {{"workflow_chain", {"ffmpeg.extract_audio"}}}}};
    return server_->wait_for_workflow(server_->post("/v1/workflows", body, 202)["workflow_id"]);
  }
  // Whether `text` names the server's own directory (its data, store and scratch folders are all in it).
  static bool names_server_paths(const std::string& text) {
    return text.find(server_->dir().string()) != std::string::npos;
  }

  static inline LiveServer* server_ = nullptr;
};

TEST_F(PathDisclosureSecurityTest, WorkflowStatusShowsInputsByTheNamesGiven) {
  const json done = run_workflow("videos/speech.wav");
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  EXPECT_EQ(done["input_params"]["video_path"], "videos/speech.wav");
  EXPECT_EQ(done["stages"]["stage_0"]["input"]["video_path"], "videos/speech.wav");
}

TEST_F(PathDisclosureSecurityTest, FailedStageNamesItsInputAsGiven) {
  const json failed = run_workflow("videos/junk.mp4");
  ASSERT_EQ(failed["status"], "failed") << failed.dump(2);
  for (const std::string error : {failed["error"], failed["stages"]["stage_0"]["error"]}) {
    EXPECT_NE(error.find("videos/junk.mp4"), std::string::npos) << error;
    EXPECT_FALSE(names_server_paths(error)) << error;
  }
}

TEST_F(PathDisclosureSecurityTest, FailedTaskNamesItsInputAsGiven) {
  server_->post("/v1/tasks", {{"task_name", "ffmpeg.extract_audio"},
                              {"task_id", "junk"},
                              {"input_data", {{"video_path", "videos/junk.mp4"}}}});
  const json failed = server_->wait_for_task("junk", 30);
  ASSERT_EQ(failed["status"], "failed") << failed.dump(2);
  const std::string error = failed["error"];
  EXPECT_NE(error.find("videos/junk.mp4"), std::string::npos) << error;
  EXPECT_FALSE(names_server_paths(error)) << error;
}

}  // namespace
}  // namespace yv::test

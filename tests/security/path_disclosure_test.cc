// Issue 15, lower severity: answers named a client's inputs by the server's own paths. A workflow given
// "videos/demo.mp4" showed its storage root in input_params and in the stage's input, and a failed stage or
// task said "cannot decode audio of /<data dir>/files/yivideo/videos/…". They name inputs as they were given,
// outputs and other objects by their keys, a model by its file name; a lapsed lease no longer names the
// worker's host and pid, nor an unreachable object store its address.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/web_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

class PathDisclosureSecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::filesystem::create_directories(models_dir());  // empty: no model loads
    server_ = new LiveServer("yivideo-security-paths", {.env = {"YIVIDEO_MODEL_DIR=" + models_dir()}});
    std::ifstream speech(shared_fixture("jfk.wav"), std::ios::binary);
    upload("videos/speech.wav", std::string(std::istreambuf_iterator<char>(speech), {}));
    upload("videos/junk.mp4", "this is not media");
  }
  static void TearDownTestSuite() {
    delete server_;
    std::filesystem::remove_all(models_dir());
  }
  static std::string models_dir() { return scratch_path("yivideo-security-paths-models"); }

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
  // Runs `node` as task `id` on `input` to its end.
  static json run_task(const std::string& id, const std::string& node, const json& input) {
    server_->post("/v1/tasks", {{"task_name", node}, {"task_id", id}, {"input_data", input}});
    return server_->wait_for_task(id, 60);
  }
  // Whether `text` names the server's own directory (its data, store and scratch folders are all in it) or
  // its model folder.
  static bool names_server_paths(const std::string& text) {
    return text.find(server_->dir().string()) != std::string::npos ||
           text.find(models_dir()) != std::string::npos;
  }

  // That a task failed with an error that says `what` and names no server path.
  static void expect_failure_naming(const json& task, const std::string& what) {
    ASSERT_EQ(task["status"], "failed") << task.dump(2);
    const std::string error = task["error"];
    EXPECT_NE(error.find(what), std::string::npos) << error;
    EXPECT_FALSE(names_server_paths(error)) << error;
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
  expect_failure_naming(run_task("junk", "ffmpeg.extract_audio", {{"video_path", "videos/junk.mp4"}}),
                        "videos/junk.mp4");
}

TEST_F(PathDisclosureSecurityTest, OutputThatCannotBeWrittenIsNamedByItsKey) {
  upload("tasks/blocked-output/audio.wav/in-the-way", "x");  // audio.wav is a folder: it cannot be written
  expect_failure_naming(
      run_task("blocked-output", "ffmpeg.extract_audio", {{"video_path", "videos/speech.wav"}}),
      "tasks/blocked-output/audio.wav");
}

TEST_F(PathDisclosureSecurityTest, OutputFolderThatCannotBeMadeIsNamedByItsKey) {
  upload("tasks/file-in-the-way", "x");  // the task's output folder is an object: it cannot be made
  expect_failure_naming(
      run_task("file-in-the-way", "ffmpeg.extract_audio", {{"video_path", "videos/speech.wav"}}),
      "tasks/file-in-the-way");
}

TEST_F(PathDisclosureSecurityTest, ModelThatCannotBeLoadedIsNamedWithoutItsFolder) {
  expect_failure_naming(
      run_task("no-encoder", "pyannote_audio.diarize_speakers", {{"audio_path", "videos/speech.wav"}}),
      "model_load_failed");
}

// Runs `cleanup` when it goes out of scope, however the test ends.
struct Finally {
  std::function<void()> cleanup;
  ~Finally() { cleanup(); }
};

TEST(LapsedLeaseDisclosureTest, ALapsedLeaseDoesNotNameTheWorkersHostOrPid) {
  // The input is fetched from a server that answers only when released: the worker is busy with it.
  std::atomic<bool> released = false;
  WebServer web;
  web.Get("/held.wav", [&released](const httplib::Request&, httplib::Response& res) {
    while (!released) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    res.set_content(read_text(shared_fixture("jfk.wav")), "audio/wav");
  });
  web.start();
  LiveServer server("yivideo-security-lapsed-lease",
                    {.workers = 1, .lease_seconds = 0.5, .env = {"YIVIDEO_URL_ALLOW_PRIVATE=1"}});
  server.post("/v1/tasks", {{"task_name", "ffmpeg.extract_audio"},
                            {"task_id", "held"},
                            {"input_data", {{"video_path", web.url("/held.wav")}}}});
  for (int i = 0; i < 100 && server.get("/v1/tasks/held/status")["status"] != "running"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const pid_t worker = server.worker_pids().at(0);
  kill(worker, SIGSTOP);  // it stops heartbeating: its lease lapses
  const Finally resume{[&] {
    kill(worker, SIGCONT);
    released = true;
  }};
  json status;
  for (int i = 0; i < 100; ++i) {
    status = server.get("/v1/tasks/held/status");
    if (!status["error"].is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(status["error"].is_string()) << status.dump(2);
  const std::string error = status["error"];
  EXPECT_NE(error.find("lease expired"), std::string::npos) << error;
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  EXPECT_EQ(error.find(host), std::string::npos) << error;
  EXPECT_EQ(error.find(std::to_string(worker)), std::string::npos) << error;
  const std::string log = read_text((server.dir() / "serve.log").string());
  EXPECT_NE(log.find(std::string(host) + ":" + std::to_string(worker)), std::string::npos)
      << "the operator's log names the worker";
}

TEST(ObjectStoreDisclosureTest, AnUnreachableObjectStoreIsNotNamed) {
  const int port = free_port();  // nobody listens there
  const LiveServer server(
      "yivideo-security-store-address",
      {.workers = 0,
       .env = {"YIVIDEO_STORAGE=s3", "YIVIDEO_S3_ENDPOINT=http://objects.localhost:" + std::to_string(port),
               "YIVIDEO_S3_ACCESS_KEY=key", "YIVIDEO_S3_SECRET_KEY=secret"}});
  const json refused = server.get("/v1/files/download/any.bin", 503);
  EXPECT_EQ(refused["code"], "storage_unavailable") << refused.dump();
  const std::string detail = refused["detail"];
  EXPECT_EQ(detail.find("objects.localhost"), std::string::npos) << detail;
  EXPECT_EQ(detail.find(std::to_string(port)), std::string::npos) << detail;
}

}  // namespace
}  // namespace yv::test

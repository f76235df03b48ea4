// Workflows and tasks with every file in an S3 store (a real moto server): the worker fetches each stage's
// inputs from the store and publishes its outputs there, so stage outputs are store names
// ("/share/workflows/<id>/stage_N/...") that the download route serves; nothing lands in the local store.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/moto_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

class S3WorkflowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = new MotoServer();
    server_ =
        new LiveServer("yivideo-s3-workflow", {.workers = 1, .lease_seconds = 0, .env = moto_->store_env()});
    httplib::Client client("127.0.0.1", server_->port());
    const auto res = client.Post(
        "/v1/files/upload", httplib::MultipartFormDataItems{
                                {"file", read_text(synth_fixture("meeting.mp4")) + "", "meeting.mp4", ""},
                                {"file_path", "videos/meeting.mp4", "", ""}});
    ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete moto_;
  }
  // The body of GET /v1/files/download/<key>, or "" with a failed expectation.
  static std::string download(const std::string& key) {
    httplib::Client client("127.0.0.1", server_->port());
    auto res = client.Get(("/v1/files/download/" + key).c_str());
    EXPECT_TRUE(res && res->status == 200) << key;
    return res ? res->body : "";
  }

  static inline MotoServer* moto_ = nullptr;
  static inline LiveServer* server_ = nullptr;
};

TEST_F(S3WorkflowTest, FullChainReadsAndWritesTheStore) {
  const json created =
      server_->post("/v1/workflows",
                    {{"video_path", "videos/meeting.mp4"},
                     {"workflow_config",
                      {{"workflow_chain",
                        {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio",
                         "pyannote_audio.diarize_speakers", "wservice.generate_subtitle_files"}}}},
                     {"faster_whisper.transcribe_audio", {{"beam_size", 1}}}},
                    202);
  const std::string id = created["workflow_id"];
  const json done = server_->wait_for_workflow(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  const std::string prefix = "/share/workflows/" + id + "/";
  const json& audio = done["stages"]["stage_0"]["output"];
  EXPECT_EQ(audio["audio_path"], prefix + "stage_0/audio.wav");
  EXPECT_EQ(done["stages"]["stage_1"]["input"]["audio_path"], audio["audio_path"]);
  const json& subtitles = done["stages"]["stage_3"]["output"];
  EXPECT_EQ(subtitles["srt_path"], prefix + "stage_3/subtitles.srt");
  EXPECT_EQ(subtitles["subtitle_files"]["vtt"], prefix + "stage_3/subtitles.vtt");
  EXPECT_NE(download("workflows/" + id + "/stage_3/subtitles.srt").find("weekly project meeting"),
            std::string::npos);
  EXPECT_NE(download("workflows/" + id + "/stage_3/subtitles.speakers.srt").find("SPEAKER_02"),
            std::string::npos);
  EXPECT_TRUE(download("workflows/" + id + "/stage_0/audio.wav").starts_with("RIFF"));
  EXPECT_FALSE(std::filesystem::exists(server_->bucket_dir() / "workflows"))
      << "stage files leaked to local disk";

  // The stored outputs are what a later incremental run reuses; once deleted, reuse is refused.
  server_->call("DELETE", "/v1/files/directories?directory_path=/share/workflows/" + id);
  const json gone = server_->post(
      "/v1/workflows",
      {{"execution_mode", "incremental"},
       {"workflow_id", id},
       {"workflow_config",
        {{"workflow_chain",
          {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio", "pyannote_audio.diarize_speakers",
           "wservice.generate_subtitle_files", "wservice.generate_subtitle_files"}}}}},
      410);
  EXPECT_EQ(gone["code"], "workflow_storage_gone");
}

TEST_F(S3WorkflowTest, TaskOutputsGoToItsFolderInTheStore) {
  server_->post("/v1/tasks", {{"task_name", "ffmpeg.extract_audio"},
                              {"task_id", "s3-extract"},
                              {"input_data", {{"video_path", "s3://yivideo/videos/meeting.mp4"}}}});
  const json status = server_->wait_for_task("s3-extract", 30);
  ASSERT_EQ(status["status"], "completed") << status.dump(2);
  EXPECT_EQ(status["result"]["output"]["audio_path"], "/share/tasks/s3-extract/audio.wav");
  EXPECT_TRUE(download("tasks/s3-extract/audio.wav").starts_with("RIFF"));
  EXPECT_EQ(server_->post("/v1/tasks",
                          {{"task_name", "ffmpeg.extract_audio"},
                           {"input_data", {{"video_path", "videos/missing.mp4"}}}},
                          404)["code"],
            "file_not_found");
}

}  // namespace
}  // namespace yv::test

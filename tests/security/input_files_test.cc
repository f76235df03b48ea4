// Issue 15, finding 4: only inputs named *_path were held to the allowed roots, so a subtitle task given
// "segments_file": "<any local JSON>" returned the file's content as subtitles (and any other file leaked
// its existence and first token in the error); and task ids "." and ".." wrote outside tasks/. Every input
// that names a file goes through the one resolver, refused at submit before anything about it is read, and
// a task id is a single safe path segment.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/fixtures.h"
#include "support/live_server.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kSecret = "TOP-SECRET-TRANSCRIPT";

class InputFilesSecurityTest : public ::testing::Test {
 protected:
  // A transcription-shaped JSON file outside the allowed roots: the server's own directory, beside (not in)
  // its store.
  static void SetUpTestSuite() {
    server_ = new LiveServer("yivideo-security-input-files");
    secret_ = (server_->dir() / "secret.json").string();
    std::ofstream(secret_) << json{{"language", "en"},
                                   {"segments", {{{"start", 0.0}, {"end", 2.0}, {"text", kSecret}}}}};
  }
  static void TearDownTestSuite() { delete server_; }

  static json subtitle_task(const std::string& id, const std::string& key, const std::string& file) {
    return {
        {"task_name", "wservice.generate_subtitle_files"}, {"task_id", id}, {"input_data", {{key, file}}}};
  }

  static inline LiveServer* server_ = nullptr;
  static inline std::string secret_;
};

TEST_F(InputFilesSecurityTest, SegmentsFileOutsideTheRootsIsRefusedAtSubmit) {
  const json refused =
      server_->post("/v1/tasks", subtitle_task("outside-segments", "segments_file", secret_), 400);
  EXPECT_EQ(refused["code"], "invalid_path");
  EXPECT_EQ(refused["detail"].get<std::string>().find(kSecret), std::string::npos) << refused.dump();
  EXPECT_EQ(server_->get("/v1/tasks/outside-segments/status", 404)["code"], "task_not_found");
}

TEST_F(InputFilesSecurityTest, RefusalTellsNothingOfWhetherTheFileExists) {
  const std::string missing = (server_->dir() / "no-such-file.json").string();
  const json existing = server_->post("/v1/tasks", subtitle_task("probe-1", "segments_file", secret_), 400);
  const json absent = server_->post("/v1/tasks", subtitle_task("probe-2", "segments_file", missing), 400);
  EXPECT_EQ(existing["code"], absent["code"]);
  std::string detail = absent["detail"];
  detail.replace(detail.find(missing), missing.size(), secret_);  // the same words but for the name given
  EXPECT_EQ(existing["detail"], detail);
}

TEST_F(InputFilesSecurityTest, DiarizationFileOutsideTheRootsIsRefusedInAWorkflow) {
  const json body = {
      {"video_path", shared_fixture("jfk.wav")},
      {"workflow_config",
       {{"workflow_chain",
         {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio", "wservice.generate_subtitle_files"}}}},
      {"wservice.generate_subtitle_files", {{"diarization_file", secret_}}}};
  EXPECT_EQ(server_->post("/v1/workflows", body, 400)["code"], "invalid_path");
}

// Files named inside lists and list items (the dubbing nodes take several at once) are inputs too.
TEST_F(InputFilesSecurityTest, FilesNamedInsideListsAreHeldToTheRoots) {
  const std::string clip = shared_fixture("jfk.wav");
  const json tasks[] = {
      {{"task_name", "ffmpeg.mix_audio"},
       {"input_data", {{"dubbed_audio_path", clip}, {"all_audio_files", {clip, secret_}}}}},
      {{"task_name", "ffmpeg.mux_video"},
       {"input_data", {{"video_path", clip}, {"audio_tracks", {{{"path", secret_}, {"language", "en"}}}}}}},
      {{"task_name", "ffmpeg.fit_dubbing"},
       {"input_data", {{"tts_segments", {{{"audio_path", secret_}, {"start", 0.0}, {"end", 1.0}}}}}}}};
  for (const json& task : tasks) {
    const json refused = server_->post("/v1/tasks", task, 400);
    EXPECT_EQ(refused["code"], "invalid_path") << task.dump() << "\n" << refused.dump();
  }
}

TEST_F(InputFilesSecurityTest, TaskIdsNamingAFolderAboveTheirOwnAreRefused) {
  for (const std::string id : {".", ".."}) {
    const json task = {{"task_name", "ffmpeg.extract_audio"},
                       {"task_id", id},
                       {"input_data", {{"video_path", shared_fixture("jfk.wav")}}}};
    EXPECT_EQ(server_->post("/v1/tasks", task, 400)["code"], "invalid_request") << id;
  }
  EXPECT_FALSE(fs::exists(server_->bucket_dir() / "tasks"));
}

}  // namespace
}  // namespace yv::test

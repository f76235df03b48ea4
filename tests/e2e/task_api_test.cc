// The single-task API of a live `yivideo serve` with its worker processes: the contract of api-contract.md
// §4.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/wer.h"
#include "support/fixtures.h"
#include "support/live_server.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class TaskApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LiveServer("yivideo-task-api"); }
  static void TearDownTestSuite() { delete server_; }

  static httplib::Result post(const std::string& body) {
    return httplib::Client("127.0.0.1", server_->port()).Post("/v1/tasks", body, "application/json");
  }
  static json get(const std::string& path, int expected_status = 200) {
    return server_->get(path, expected_status);
  }
  static json transcription(const std::string& id, const std::string& media) {
    return {{"task_name", "faster_whisper.transcribe_audio"},
            {"task_id", id},
            {"input_data", {{"video_path", media}, {"beam_size", 1}}}};
  }
  static json wait_until_finished(const std::string& id) { return server_->wait_for_task(id, 60); }
  // The error body of a response, checked for the contract's shape.
  static json error_of(const httplib::Result& res, int status) {
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    const json body = json::parse(res->body);
    EXPECT_TRUE(body.contains("detail") && body.contains("code")) << res->body;
    return body;
  }

  static inline LiveServer* server_ = nullptr;
};

TEST_F(TaskApiTest, SubmittedTranscriptionRunsOnAWorkerAndCompletes) {
  auto res = post(transcription("jfk-1", shared_fixture("jfk.wav")).dump());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["status"], "pending");
  const json status = wait_until_finished("jfk-1");
  ASSERT_EQ(status["status"], "completed") << status.dump();
  const std::string text = status["result"]["output"]["text"];
  EXPECT_LE(word_error_rate(read_text(shared_fixture("jfk.txt")), text).rate, 0.10) << text;
  for (const char* key : {"task_id", "task_name", "created_at", "started_at", "completed_at", "duration"}) {
    EXPECT_FALSE(status[key].is_null()) << key;
  }
}

TEST_F(TaskApiTest, SameTaskAgainReturnsTheStoredResultAtOnce) {
  post(transcription("door-1", shared_fixture("another_door.wav")).dump());
  ASSERT_EQ(wait_until_finished("door-1")["status"], "completed");
  auto again = post(transcription("door-1", shared_fixture("another_door.wav")).dump());
  ASSERT_TRUE(again);
  const json body = json::parse(again->body);
  EXPECT_EQ(body["status"], "completed");
  EXPECT_TRUE(body.contains("reuse_info"));
  EXPECT_EQ(body["result"]["output"]["language"], "en");
}

TEST_F(TaskApiTest, SameIdWithDifferentInputIsAConflict) {
  post(transcription("conflict-1", shared_fixture("another_door.wav")).dump());
  EXPECT_EQ(error_of(post(transcription("conflict-1", shared_fixture("jfk.wav")).dump()), 409)["code"],
            "task_conflict");
}

TEST_F(TaskApiTest, GeneratedTaskIdsAreUnique) {
  json body = transcription("", shared_fixture("another_door.wav"));
  body.erase("task_id");
  const std::string a = json::parse(post(body.dump())->body)["task_id"];
  const std::string b = json::parse(post(body.dump())->body)["task_id"];
  EXPECT_TRUE(a.starts_with("task-")) << a;
  EXPECT_NE(a, b);
}

TEST_F(TaskApiTest, MalformedJsonIs400) {
  EXPECT_EQ(error_of(post("{\"task_name\": "), 400)["code"], "invalid_json");
}

TEST_F(TaskApiTest, UnknownTaskNameIs400NamingTheKnownOnes) {
  const json body = error_of(post(R"({"task_name": "nope.node"})"), 400);
  EXPECT_EQ(body["code"], "unknown_node");
  EXPECT_NE(body["detail"].get<std::string>().find("faster_whisper.transcribe_audio"), std::string::npos);
}

TEST_F(TaskApiTest, WrongTypesAndUnknownParametersAre400NamingThem) {
  const json body = error_of(
      post(
          R"({"task_name": "faster_whisper.transcribe_audio", "input_data": {"beam_size": "five", "colour": 1}})"),
      400);
  EXPECT_EQ(body["code"], "invalid_parameter");
  const std::string detail = body["detail"];
  EXPECT_NE(detail.find("beam_size"), std::string::npos) << detail;
  EXPECT_NE(detail.find("colour"), std::string::npos) << detail;
}

TEST_F(TaskApiTest, InputOutsideTheAllowedRootsIsRefused) {
  const std::vector<std::string> outside = {"/etc/passwd",
                                            shared_fixture("../../../../etc/passwd"),
                                            "../etc/passwd",
                                            "videos/../../x.mp4",
                                            "s3://yivideo/../x",
                                            "/share/../etc/passwd",
                                            "http://127.0.0.1/a.mp4",  // loopback: refused unless allowed
                                            "ftp://example.org/a.mp4"};
  for (const std::string& path : outside) {
    EXPECT_EQ(error_of(post(transcription("outside", path).dump()), 400)["code"], "invalid_path") << path;
  }
}

TEST_F(TaskApiTest, MissingInputIs404InTheQuickStartsWords) {
  const json body = error_of(post(transcription("missing", shared_fixture("nonexistent.mp4")).dump()), 404);
  EXPECT_EQ(body["code"], "file_not_found");
  EXPECT_TRUE(body["detail"].get<std::string>().starts_with("文件不存在: ")) << body.dump();
}

TEST_F(TaskApiTest, MissingObjectKeyIs404InTheQuickStartsWords) {
  const json body = error_of(post(transcription("missing-key", "videos/nonexistent.mp4").dump()), 404);
  EXPECT_EQ(body["detail"], "文件不存在: videos/nonexistent.mp4");
}

TEST_F(TaskApiTest, HugeBodyIsRefusedBeforeItIsRead) {
  // Only the headers are sent: the refusal must not wait for (or store) the 2 MiB announced.
  const std::string answer = server_->raw(
      "POST /v1/tasks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: "
      "application/json\r\nContent-Length: "
      "2097152\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer;
  EXPECT_NE(answer.find(R"("code":"payload_too_large")"), std::string::npos) << answer;
}

TEST_F(TaskApiTest, ChunkedJsonBodyIs411) {
  const std::string answer = server_->raw(
      "POST /v1/tasks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: "
      "application/json\r\nTransfer-Encoding: "
      "chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 411")) << answer;
}

TEST_F(TaskApiTest, UnknownTaskIdIs404) {
  EXPECT_EQ(get("/v1/tasks/no-such-task/status", 404)["code"], "task_not_found");
}

TEST_F(TaskApiTest, SupportedTasksComeFromTheRegistry) {
  const json body = get("/v1/tasks/supported-tasks");
  std::vector<std::string> names;
  for (const auto& task : body["tasks"]) {
    names.push_back(task["name"]);
    EXPECT_FALSE(task["parameters"].empty()) << task.dump();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"audio_separator.separate_vocals",
                                             "faster_whisper.transcribe_audio",
                                             "ffmpeg.burn_subtitles",
                                             "ffmpeg.crop_subtitle_images",
                                             "ffmpeg.extract_audio",
                                             "ffmpeg.extract_keyframes",
                                             "ffmpeg.fit_dubbing",
                                             "ffmpeg.mix_audio",
                                             "ffmpeg.mux_video",
                                             "ffmpeg.split_audio_segments",
                                             "indextts.generate_speech",
                                             "indextts.list_voice_presets",
                                             "paddleocr.create_stitched_images",
                                             "paddleocr.detect_subtitle_area",
                                             "paddleocr.perform_ocr",
                                             "paddleocr.postprocess_and_finalize",
                                             "pyannote_audio.diarize_speakers",
                                             "pyannote_audio.get_speaker_segments",
                                             "pyannote_audio.validate_diarization",
                                             "wservice.ai_optimize_text",
                                             "wservice.generate_subtitle_files",
                                             "wservice.merge_speaker_segments",
                                             "wservice.merge_with_word_timestamps",
                                             "wservice.prepare_tts_segments",
                                             "wservice.rebuild_subtitle_with_words",
                                             "wservice.segment_subtitles",
                                             "wservice.translate_subtitles"}));
  EXPECT_EQ(body["count"], names.size());
}

TEST_F(TaskApiTest, DeleteStopsARunningTaskAndFreesItsWorker) {
  post(json{{"task_name", "faster_whisper.transcribe_audio"},
            {"task_id", "cancel-me"},
            {"input_data", {{"video_path", synth_fixture("meeting.mp4")}}}}
           .dump());
  for (int i = 0; i < 500 && get("/v1/tasks/cancel-me/status")["status"] != "running"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(get("/v1/tasks/cancel-me/status")["status"], "running");
  EXPECT_EQ(server_->call("DELETE", "/v1/tasks/cancel-me")["status"], "cancelled");
  EXPECT_EQ(get("/v1/tasks/cancel-me/status")["status"], "cancelled");
  EXPECT_EQ(server_->call("DELETE", "/v1/tasks/cancel-me", "", 409)["code"], "task_finished");
  EXPECT_EQ(server_->call("DELETE", "/v1/tasks/no-such-task", "", 404)["code"], "task_not_found");
  // The single worker takes the next task; the cancelled one never produced a result.
  post(transcription("after-cancel", shared_fixture("jfk.wav")).dump());
  EXPECT_EQ(wait_until_finished("after-cancel")["status"], "completed");
  const json cancelled = get("/v1/tasks/cancel-me/status");
  EXPECT_EQ(cancelled["status"], "cancelled");
  EXPECT_TRUE(cancelled["result"].is_null()) << cancelled.dump();
  // Had the node not been stopped, the worker would have finished the meeting (writing its segments file)
  // before taking the next task. No other test here transcribes the meeting.
  for (const auto& f : fs::recursive_directory_iterator(server_->bucket_dir() / "tasks")) {  // task outputs
    if (f.path().filename() == "segments.json") {
      EXPECT_EQ(read_text(f.path().string()).find("weekly project meeting"), std::string::npos) << f.path();
    }
  }
}

}  // namespace
}  // namespace yv::test

// Workflows through a live `yivideo serve` (api-contract.md §3): the execution modes and their refusals,
// cancellation, and the fault tests: a worker or the whole server killed with -9 mid-workflow loses nothing.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/wer.h"
#include "nodes/subtitles/validator.h"
#include "support/backend_suite.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/redis_server.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kExtractAndTranscribe = {"ffmpeg.extract_audio",
                                                        "faster_whisper.transcribe_audio"};

json workflow(const std::string& media, const std::vector<std::string>& chain) {
  return {{"video_path", media},
          {"workflow_config", {{"workflow_chain", chain}}},
          {"language", "en"},
          {"faster_whisper.transcribe_audio", {{"beam_size", 1}}}};
}

json resume(const std::string& mode, const std::string& id, const std::vector<std::string>& chain) {
  return {{"execution_mode", mode}, {"workflow_id", id}, {"workflow_config", {{"workflow_chain", chain}}}};
}

// Fails the test unless `stage` reaches `state` within 10 s.
void wait_for_stage(const LiveServer& server, const std::string& id, const std::string& stage,
                    const std::string& state) {
  for (int i = 0; i < 1000; ++i) {
    if (server.get("/v1/workflows/status/" + id)["stages"][stage]["status"] == state) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL() << stage << " of " << id << " never became " << state;
}

// Every test runs on both state backends: the embedded SQLite file and a real Redis.
class WorkflowApiTest : public BackendSuite {
 protected:
  void SetUp() override { server_ = &server_for("yivideo-workflow-api", {}); }

  static json status(const std::string& id) { return server_->get("/v1/workflows/status/" + id); }
  static std::string submit(const json& body) {
    return server_->post("/v1/workflows", body, 202)["workflow_id"].get<std::string>();
  }
  static json wait_until_finished(const std::string& id) { return server_->wait_for_workflow(id); }

  static inline LiveServer* server_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, WorkflowApiTest, ::testing::Values("sqlite", "redis"),
                         [](const auto& info) { return info.param; });

TEST_P(WorkflowApiTest, FullChainRunsEveryStageAndReportsThem) {
  const json accepted =
      server_->post("/v1/workflows", workflow(synth_fixture("meeting.mp4"), kExtractAndTranscribe), 202);
  EXPECT_EQ(accepted["message"], "New workflow created and started successfully.");
  EXPECT_EQ(accepted["tasks_total"], 2);
  EXPECT_EQ(accepted["tasks_to_execute"], 2);
  const std::string id = accepted["workflow_id"];

  // Every stage exists from creation, in chain order, so a polling client cannot stop early.
  const json early = status(id);
  ASSERT_EQ(early["stages"].size(), 2u);
  EXPECT_EQ(early["stages"]["stage_1"]["task_name"], "faster_whisper.transcribe_audio");
  EXPECT_EQ(early["progress"]["total"], 2);

  const json done = wait_until_finished(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  EXPECT_TRUE(done["error"].is_null());
  EXPECT_EQ(done["progress"]["percent"], 100.0);
  for (const auto& [key, stage] : done["stages"].items()) {
    EXPECT_EQ(stage["status"], "completed") << key;
    EXPECT_EQ(stage["attempts"], 1) << key;
    EXPECT_GE(stage["duration"].get<double>(), 0) << key;
    EXPECT_FALSE(stage["start_time"].is_null() || stage["end_time"].is_null()) << key;
  }
  const json& audio = done["stages"]["stage_0"]["output"];
  EXPECT_NEAR(audio["duration"].get<double>(), 19.5, 0.5);
  // The transcription took the extracted audio from the stage before it (upstream fallback) ...
  EXPECT_EQ(done["stages"]["stage_1"]["input"]["audio_path"], audio["audio_path"]);
  // ... which lives in the workflow's own folder of the store.
  EXPECT_TRUE(fs::exists(server_->bucket_dir() / "workflows" / id / "stage_0" / "audio.wav"));
  const std::string text = done["stages"]["stage_1"]["output"]["text"];
  EXPECT_LE(word_error_rate(read_text(synth_fixture("meeting.txt")), text).rate, 0.15) << text;
}

// What can be known before anything runs is refused at submit (issue 18, item 6), not after the expensive
// stages: a subtitle stage with no transcription before it, and a subtitle format that does not exist.
TEST_P(WorkflowApiTest, MistakesKnowableAtSubmitAreRefusedBeforeAnythingRuns) {
  const std::string media = synth_fixture("meeting.mp4");
  const json before = server_->get("/v1/workflows?limit=200");
  const json missing = server_->post(
      "/v1/workflows", workflow(media, {"ffmpeg.extract_audio", "wservice.generate_subtitle_files"}), 400);
  EXPECT_EQ(missing["code"], "missing_input");
  EXPECT_NE(missing["detail"].get<std::string>().find("needs segments_file"), std::string::npos) << missing;
  EXPECT_NE(missing["detail"].get<std::string>().find("faster_whisper.transcribe_audio"), std::string::npos)
      << missing;
  json format = workflow(
      media, {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio", "wservice.generate_subtitle_files"});
  format["wservice.generate_subtitle_files"] = {{"formats", {"srt", "docx"}}};
  const json refused = server_->post("/v1/workflows", format, 400);
  EXPECT_EQ(refused["code"], "invalid_parameter");
  EXPECT_NE(refused["detail"].get<std::string>().find("\"docx\""), std::string::npos) << refused;
  EXPECT_EQ(server_->get("/v1/workflows?limit=200")["count"], before["count"]) << "nothing was stored";
}

TEST_P(WorkflowApiTest, QuickStartChainWritesSubtitlesWithinTheLimits) {
  json body = workflow(
      synth_fixture("meeting.mp4"),
      {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio", "wservice.generate_subtitle_files"});
  body["wservice.generate_subtitle_files"] = {{"formats", {"srt", "vtt", "ass", "ttml", "txt", "json"}}};
  const std::string id = submit(body);
  const json done = wait_until_finished(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  const json& out = done["stages"]["stage_2"]["output"];
  EXPECT_GE(out["cue_count"].get<int>(), 4);
  EXPECT_GE(out["compliance"]["share"].get<double>(), 0.99) << out["compliance"].dump(2);
  for (const char* format : {"srt", "vtt", "ass", "ttml", "txt", "json"}) {
    EXPECT_TRUE(fs::exists(server_->stored_file(out["subtitle_files"][format].get<std::string>()))) << format;
  }
  for (const char* format : {"srt", "vtt", "ass"}) {  // our validator, on what real speech produced
    const auto v =
        subtitles::validate(read_text(server_->stored_file(out["subtitle_files"][format].get<std::string>())),
                            format, subtitles::Limits::for_language("en"));
    EXPECT_TRUE(v.valid()) << format << ": " << v.errors.front();
    EXPECT_EQ(v.cues.size(), out["cue_count"].get<size_t>()) << format;
  }
  // The files are objects of the workflow's folder, downloadable like any other.
  auto res = httplib::Client("127.0.0.1", server_->port())
                 .Get(("/v1/files/download/workflows/" + id + "/stage_2/subtitles.srt").c_str());
  ASSERT_EQ(res->status, 200);
  EXPECT_TRUE(res->body.starts_with("1\n00:00:")) << res->body;
  EXPECT_NE(res->body.find("weekly project meeting"), std::string::npos) << res->body;
}

// A client that names a preset gets its chain, listed by GET /v1/presets, and the subtitles at the end.
TEST_P(WorkflowApiTest, APresetRunsItsChain) {
  const json presets = server_->get("/v1/presets");
  std::map<std::string, json> by_name;
  for (const json& p : presets["presets"]) by_name[p["name"]] = p;
  for (const char* name : {"subtitles", "subtitles_speakers", "hard_subtitles"})
    EXPECT_TRUE(by_name.contains(name));
  const std::string id = submit({{"video_path", shared_fixture("jfk.wav")},
                                 {"workflow_config", {{"preset", "subtitles"}}},
                                 {"language", "en"}});
  const json done = wait_until_finished(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  const json chain = by_name["subtitles"]["chain"];
  ASSERT_EQ(done["stages"].size(), chain.size());
  for (size_t i = 0; i < chain.size(); ++i) {
    EXPECT_EQ(done["stages"]["stage_" + std::to_string(i)]["task_name"], chain[i]);
  }
  auto srt = httplib::Client("127.0.0.1", server_->port())
                 .Get(("/v1/workflows/" + id + "/subtitles?format=srt").c_str());
  ASSERT_TRUE(srt && srt->status == 200);
  EXPECT_NE(srt->body.find("your country"), std::string::npos) << srt->body;
}

TEST_P(WorkflowApiTest, IncrementalRunsOnlyTheAppendedStages) {
  const std::string id = submit(workflow(shared_fixture("jfk.wav"), {"ffmpeg.extract_audio"}));
  const json first = wait_until_finished(id);
  ASSERT_EQ(first["status"], "completed") << first.dump(2);

  json body = resume("incremental", id, kExtractAndTranscribe);
  body["faster_whisper.transcribe_audio"] = {
      {"audio_path", "${{ stages.ffmpeg.extract_audio.output.audio_path }}"}};
  const json accepted = server_->post("/v1/workflows", body, 202);
  EXPECT_EQ(accepted["tasks_skipped"], 1);
  EXPECT_EQ(accepted["tasks_to_execute"], 1);
  const json done = wait_until_finished(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  // The first stage was reused, not run again.
  EXPECT_EQ(done["stages"]["stage_0"]["end_time"], first["stages"]["stage_0"]["end_time"]);
  EXPECT_EQ(done["stages"]["stage_0"]["attempts"], 1);
  EXPECT_EQ(done["stages"]["stage_1"]["input"]["audio_path"],
            first["stages"]["stage_0"]["output"]["audio_path"]);
  const std::string text = done["stages"]["stage_1"]["output"]["text"];
  EXPECT_LE(word_error_rate(read_text(shared_fixture("jfk.txt")), text).rate, 0.10) << text;

  // Nothing left to run: a 200 that schedules nothing.
  const json nothing = server_->post("/v1/workflows", resume("incremental", id, kExtractAndTranscribe), 200);
  EXPECT_EQ(nothing["message"], "All tasks already completed, no execution needed.");
  EXPECT_EQ(nothing["tasks_to_execute"], 0);
  // The stored chain must be a prefix of the new one.
  EXPECT_EQ(server_->post("/v1/workflows", resume("incremental", id, {"faster_whisper.transcribe_audio"}),
                          400)["code"],
            "invalid_request");
  // Strict merging refuses a changed parameter; merge takes it.
  json strict =
      resume("incremental", id,
             {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio", "faster_whisper.transcribe_audio"});
  strict["language"] = "de";
  strict["param_merge_strategy"] = "strict";
  EXPECT_EQ(server_->post("/v1/workflows", strict, 400)["code"], "param_conflict");
  EXPECT_EQ(status(id)["stages"].size(), 2u) << "a refused request changed the workflow";
}

TEST_P(WorkflowApiTest, FailedStageFailsTheWorkflowAndSkipsTheRest) {
  const std::string id = submit(workflow(synth_fixture("broken/not_media.mp4"), kExtractAndTranscribe));
  const json done = wait_until_finished(id);
  ASSERT_EQ(done["status"], "failed") << done.dump(2);
  const std::string error = done["error"];
  EXPECT_TRUE(error.starts_with("stage_0 (ffmpeg.extract_audio) failed: invalid_media")) << error;
  EXPECT_EQ(done["stages"]["stage_0"]["status"], "failed");
  EXPECT_EQ(done["stages"]["stage_0"]["attempts"], 1) << "bad input is not retried";
  EXPECT_EQ(done["stages"]["stage_1"]["status"], "skipped");
  EXPECT_TRUE(done["stages"]["stage_1"]["start_time"].is_null());
  // Incremental cannot build on a failed stage.
  const json refused = server_->post("/v1/workflows", resume("incremental", id, kExtractAndTranscribe), 400);
  EXPECT_NE(refused["detail"].get<std::string>().find("use retry"), std::string::npos) << refused.dump();
}

TEST_P(WorkflowApiTest, RetryRerunsFromTheFailedStageWithNewParameters) {
  json body = workflow(shared_fixture("jfk.wav"), kExtractAndTranscribe);
  // Well-formed, so accepted at submit, but refused when the stage runs (a model that is not installed would
  // be refused at submit).
  body["faster_whisper.transcribe_audio"]["temperature"] = {0.4, 0.2};
  const std::string id = submit(body);
  const json failed = wait_until_finished(id);
  ASSERT_EQ(failed["status"], "failed") << failed.dump(2);
  EXPECT_EQ(failed["stages"]["stage_0"]["status"], "completed");

  json retry = resume("retry", id, kExtractAndTranscribe);
  retry["faster_whisper.transcribe_audio"] = {{"temperature", {0.0, 0.2}}};
  const json accepted = server_->post("/v1/workflows", retry, 202);
  EXPECT_EQ(accepted["tasks_skipped"], 1);
  const json done = wait_until_finished(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  EXPECT_TRUE(done["error"].is_null());
  EXPECT_EQ(done["stages"]["stage_0"]["end_time"], failed["stages"]["stage_0"]["end_time"]);
  // The failed run stays in the stage's history.
  const json& history = done["stages"]["stage_1"]["history"];
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["input"]["temperature"], json({0.4, 0.2}));
  EXPECT_EQ(done["stages"]["stage_1"]["input"]["beam_size"], 1)
      << "merge keeps the parameters not given again";
  EXPECT_EQ(server_->post("/v1/workflows", resume("retry", id, {}), 200)["tasks_to_execute"], 0);
}

TEST_P(WorkflowApiTest, RefusalsCarryTheirStatusAndCode) {
  const auto code_of = [](const json& body, int status) {
    return server_->post("/v1/workflows", body, status)["code"].get<std::string>();
  };
  const json empty = server_->post("/v1/workflows", workflow(shared_fixture("jfk.wav"), {}), 400);
  EXPECT_EQ(empty["code"], "empty_workflow_chain");
  EXPECT_EQ(empty["detail"], "workflow_config 中的 workflow_chain 不能为空");
  EXPECT_EQ(code_of(workflow(shared_fixture("jfk.wav"), {"no.such_node"}), 400), "unknown_node");
  json unknown_param = workflow(shared_fixture("jfk.wav"), kExtractAndTranscribe);
  unknown_param["colour"] = "blue";
  EXPECT_EQ(code_of(unknown_param, 400), "invalid_parameter");
  json wrong_type = workflow(shared_fixture("jfk.wav"), kExtractAndTranscribe);
  wrong_type["faster_whisper.transcribe_audio"]["beam_size"] = "five";
  EXPECT_EQ(code_of(wrong_type, 400), "invalid_parameter");
  json bad_reference = workflow(shared_fixture("jfk.wav"), kExtractAndTranscribe);
  bad_reference["ffmpeg.extract_audio"] = {
      {"video_path", "${{ stages.faster_whisper.transcribe_audio.output.text }}"}};
  EXPECT_EQ(code_of(bad_reference, 400), "invalid_reference");
  EXPECT_EQ(code_of(workflow("/etc/passwd", kExtractAndTranscribe), 400), "invalid_path");
  EXPECT_EQ(code_of(workflow(shared_fixture("nonexistent.mp4"), kExtractAndTranscribe), 404),
            "file_not_found");
  json full_with_id = workflow(shared_fixture("jfk.wav"), kExtractAndTranscribe);
  full_with_id["workflow_id"] = "x";
  EXPECT_EQ(code_of(full_with_id, 400), "invalid_request");
  EXPECT_EQ(code_of({{"execution_mode", "incremental"},
                     {"workflow_config", {{"workflow_chain", kExtractAndTranscribe}}}},
                    400),
            "invalid_request");
  EXPECT_EQ(code_of(resume("retry", "no-such-workflow", {}), 404), "workflow_not_found");
  EXPECT_EQ(code_of({{"execution_mode", "sideways"}}, 400), "invalid_request");
  EXPECT_EQ(server_->call("POST", "/v1/workflows", "{\"video_path\": ", 400)["code"], "invalid_json");
  EXPECT_EQ(server_->call("POST", "/v1/workflows", "[1, 2]", 400)["code"], "invalid_request");
  EXPECT_EQ(server_->get("/v1/workflows/status/no-such-workflow", 404)["code"], "workflow_not_found");
  EXPECT_EQ(server_->get("/v1/workflows/no-such-workflow", 404)["code"], "workflow_not_found");
  EXPECT_EQ(server_->post("/v1/workflows/no-such-workflow/cancel", json::object(), 404)["code"],
            "workflow_not_found");
  EXPECT_EQ(server_->get("/v1/workflows?status=sleeping", 400)["code"], "invalid_request");
  EXPECT_EQ(server_->get("/v1/workflows?limit=many", 400)["code"], "invalid_request");
}

TEST_P(WorkflowApiTest, ChangingARunningWorkflowIs409AndDeletedOutputsAre410) {
  const std::string id = submit(workflow(synth_fixture("meeting.mp4"), kExtractAndTranscribe));
  EXPECT_EQ(server_->post("/v1/workflows", resume("retry", id, {}), 409)["code"], "workflow_running");
  ASSERT_EQ(wait_until_finished(id)["status"], "completed");
  fs::remove_all(server_->bucket_dir() / "workflows" / id / "stage_0");
  const json gone = server_->post(
      "/v1/workflows",
      resume("incremental", id,
             {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio", "faster_whisper.transcribe_audio"}),
      410);
  EXPECT_EQ(gone["code"], "workflow_storage_gone");
}

TEST_P(WorkflowApiTest, CancelStopsTheRunningStage) {
  json body =
      workflow(synth_fixture("meeting.mp4"), {"faster_whisper.transcribe_audio", "ffmpeg.extract_audio"});
  body["faster_whisper.transcribe_audio"]["beam_size"] = 5;  // the slowest decoding: seconds of work to stop
  const std::string id = submit(body);
  wait_for_stage(*server_, id, "stage_0", "running");
  const json cancelled = server_->post("/v1/workflows/" + id + "/cancel", json::object());
  EXPECT_EQ(cancelled["status"], "cancelled");
  const json s = status(id);
  EXPECT_EQ(s["status"], "cancelled");
  EXPECT_FALSE(s["error"].is_null()) << "the quick-start's polling loop stops on error";
  EXPECT_EQ(s["stages"]["stage_0"]["status"], "cancelled");
  EXPECT_EQ(s["stages"]["stage_1"]["status"], "cancelled");
  EXPECT_EQ(server_->post("/v1/workflows/" + id + "/cancel", json::object(), 409)["code"],
            "workflow_finished");
  // The single worker takes the next workflow; had the transcription not been stopped, it would have written
  // its segments file first.
  const std::string next = submit(workflow(shared_fixture("jfk.wav"), {"ffmpeg.extract_audio"}));
  ASSERT_EQ(wait_until_finished(next)["status"], "completed");
  EXPECT_FALSE(fs::exists(server_->bucket_dir() / "workflows" / id / "stage_0" / "segments.json"));
  EXPECT_EQ(status(id)["stages"]["stage_0"]["status"], "cancelled");
}

TEST_P(WorkflowApiTest, MetricsReflectRunsAndFailures) {
  const std::string good = submit(workflow(shared_fixture("jfk.wav"), {"ffmpeg.extract_audio"}));
  const std::string bad = submit(workflow(synth_fixture("broken/not_media.mp4"), {"ffmpeg.extract_audio"}));
  ASSERT_EQ(wait_until_finished(good)["status"], "completed");
  ASSERT_EQ(wait_until_finished(bad)["status"], "failed");
  auto res = httplib::Client("127.0.0.1", server_->port()).Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->get_header_value("Content-Type").starts_with("text/plain; version=0.0.4"));
  const std::string& text = res->body;
  for (const char* line :
       {"yivideo_node_runs_total{node=\"ffmpeg.extract_audio\",outcome=\"done\"} 1",
        "yivideo_node_failures_total{node=\"ffmpeg.extract_audio\"} 1",
        "yivideo_workflows{status=\"completed\"} 1", "yivideo_workflows{status=\"failed\"} 1",
        "yivideo_stage_duration_seconds_count{node=\"ffmpeg.extract_audio\"} 1"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

TEST_P(WorkflowApiTest, ListingIsNewestFirstAndPages) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(submit(workflow(shared_fixture("jfk.wav"), {"ffmpeg.extract_audio"})));
  const std::string broken =
      submit(workflow(synth_fixture("broken/not_media.mp4"), {"ffmpeg.extract_audio"}));
  for (const auto& id : ids) wait_until_finished(id);
  wait_until_finished(broken);
  json page = server_->get("/v1/workflows?limit=2&status=completed");
  ASSERT_EQ(page["workflows"].size(), 2u);
  EXPECT_EQ(page["workflows"][0]["workflow_id"], ids[2]);
  EXPECT_EQ(page["workflows"][1]["workflow_id"], ids[1]);
  ASSERT_TRUE(page["next_cursor"].is_string());
  page =
      server_->get("/v1/workflows?limit=1&status=completed&cursor=" + page["next_cursor"].get<std::string>());
  EXPECT_EQ(page["workflows"][0]["workflow_id"], ids[0]);
  const json failed = server_->get("/v1/workflows?status=failed");
  ASSERT_FALSE(failed["workflows"].empty());
  EXPECT_EQ(failed["workflows"][0]["workflow_id"], broken);
  for (const auto& w : failed["workflows"]) EXPECT_EQ(w["status"], "failed");
}

TEST(WorkflowTimeLimitTest, StagePastItsTimeLimitFailsWithTaskTimeout) {
  LiveServer server(
      "yivideo-workflow-timeout",
      {.workers = 1, .lease_seconds = 0, .env = {"YIVIDEO_NODE_TIMEOUTS=faster_whisper.transcribe_audio=1"}});
  json body = workflow(synth_fixture("meeting.mp4"), {"faster_whisper.transcribe_audio"});
  body["faster_whisper.transcribe_audio"]["beam_size"] = 5;  // seconds of work, over the 1 s limit
  const std::string id = server.post("/v1/workflows", body, 202)["workflow_id"];
  const json done = server.wait_for_workflow(id);
  ASSERT_EQ(done["status"], "failed") << done.dump(2);
  EXPECT_TRUE(done["stages"]["stage_0"]["error"].get<std::string>().starts_with("task_timeout:"))
      << done["stages"]["stage_0"].dump();
  EXPECT_EQ(done["stages"]["stage_0"]["attempts"], 1) << "a timeout is not retried";
  EXPECT_LT(done["stages"]["stage_0"]["duration"].get<double>(), 3.0);
}

// Fault tests: each runs its own server, which it kills, on each state backend.
class WorkflowFaultTest : public ::testing::TestWithParam<std::string> {
 protected:
  // One worker with a 2 s lease, on this test's backend.
  LiveServer::Options options() {
    LiveServer::Options o{.workers = 1, .lease_seconds = 2};
    if (GetParam() == "redis") {
      redis_ = std::make_unique<RedisServer>();
      o.backend = redis_->url();
    }
    return o;
  }
  std::string name(const std::string& test) const { return "yivideo-workflow-" + test + "-" + GetParam(); }

  std::unique_ptr<RedisServer> redis_;
};

INSTANTIATE_TEST_SUITE_P(Backends, WorkflowFaultTest, ::testing::Values("sqlite", "redis"),
                         [](const auto& info) { return info.param; });

TEST_P(WorkflowFaultTest, KilledWorkerStageIsRerunAndCommittedOnce) {
  LiveServer server(name("kill-worker"), options());
  json body = workflow(synth_fixture("meeting.mp4"), kExtractAndTranscribe);
  const std::string id = server.post("/v1/workflows", body, 202)["workflow_id"];
  wait_for_stage(server, id, "stage_1", "running");
  const auto workers = server.worker_pids();
  ASSERT_EQ(workers.size(), 1u);
  ASSERT_EQ(kill(workers[0], SIGKILL), 0);
  const json done = server.wait_for_workflow(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  EXPECT_EQ(done["stages"]["stage_0"]["attempts"], 1);
  EXPECT_EQ(done["stages"]["stage_1"]["attempts"], 2) << "the killed attempt, then the one that completed";
  EXPECT_LE(word_error_rate(read_text(synth_fixture("meeting.txt")),
                            done["stages"]["stage_1"]["output"]["text"].get<std::string>())
                .rate,
            0.15);
}

TEST_P(WorkflowFaultTest, KilledServerRestartsAndTheWorkflowContinues) {
  LiveServer server(name("kill-server"), options());
  const std::vector<std::string> chain = {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio",
                                          "faster_whisper.transcribe_audio"};
  const std::string id =
      server.post("/v1/workflows", workflow(synth_fixture("meeting.mp4"), chain), 202)["workflow_id"];
  wait_for_stage(server, id, "stage_1", "running");
  EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);
  server.start();
  const json done = server.wait_for_workflow(id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  EXPECT_EQ(done["stages"].size(), 3u);
  for (const auto& [key, stage] : done["stages"].items()) {
    EXPECT_EQ(stage["status"], "completed") << key;
    EXPECT_FALSE(stage.contains("history")) << key << ": nothing ran twice as a separate run";
  }
  EXPECT_EQ(done["stages"]["stage_1"]["output"]["text"], done["stages"]["stage_2"]["output"]["text"]);
}

}  // namespace
}  // namespace yv::test

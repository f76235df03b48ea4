// Live progress (issue 18, item 5): GET /v1/workflows/{id}/events through a live `yivideo serve`, on both
// state backends, with real Whisper on real recordings: the events arrive in order, transcript segments
// before their stage completes and equal to its final text, percents that never go down, and an `end` with
// the final status (completed, failed, cancelled); Last-Event-ID resumes; keys, ownership and the stream
// limit apply.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "media/audio_decoder.h"
#include "media/audio_writer.h"
#include "support/backend_suite.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/redis_server.h"

namespace yv::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kTranscribe = {"ffmpeg.extract_audio", "faster_whisper.transcribe_audio"};

json workflow(const std::string& media) {
  return {{"video_path", media},
          {"workflow_config", {{"workflow_chain", kTranscribe}}},
          {"language", "en"},
          {"faster_whisper.transcribe_audio", {{"beam_size", 1}}}};
}

struct Event {
  uint64_t id = 0;
  std::string type;
  json data;
};

struct Stream {
  int status = 0;
  httplib::Headers headers;
  std::vector<Event> events;
  std::string body;  // an error's body, or the stream's text
};

// Follows the events of workflow `id` until the server closes the stream (or 3 minutes pass). `on_event`
// sees each event as it arrives, and each comment as an event of type ":", and may stop following by
// returning false.
Stream follow(const LiveServer& server, const std::string& id, httplib::Headers headers = {},
              const std::function<bool(const Event&)>& on_event = nullptr) {
  httplib::Client client(server.host(), server.port());
  client.set_read_timeout(180);
  Stream s;
  std::string pending;
  const auto result =
      client.Get(("/v1/workflows/" + id + "/events").c_str(), headers,
                 [&](const httplib::Response& r) {
                   s.status = r.status;
                   s.headers = r.headers;
                   return true;
                 },
                 [&](const char* data, size_t n) {
                   s.body.append(data, n);
                   if (s.status != 200) return true;
                   pending.append(data, n);
                   for (size_t end; (end = pending.find("\n\n")) != std::string::npos;) {
                     const std::string block = pending.substr(0, end);
                     pending.erase(0, end + 2);
                     if (block.starts_with(":")) {  // a comment (keep-alive): shown to on_event as type ":"
                       if (on_event && !on_event({0, ":", block})) return false;
                       continue;
                     }
                     Event e;
                     std::istringstream lines(block);
                     for (std::string line; std::getline(lines, line);) {
                       if (line.starts_with("id: ")) e.id = std::stoull(line.substr(4));
                       if (line.starts_with("event: ")) e.type = line.substr(7);
                       if (line.starts_with("data: ")) e.data = json::parse(line.substr(6));
                     }
                     s.events.push_back(e);
                     if (on_event && !on_event(e)) return false;
                   }
                   return true;
                 });
  if (!result && s.status == 0) ADD_FAILURE() << "no answer: " << httplib::to_string(result.error());
  return s;
}

std::vector<Event> of_type(const std::vector<Event>& events, const std::string& type) {
  std::vector<Event> found;
  for (const auto& e : events)
    if (e.type == type) found.push_back(e);
  return found;
}

// The behaviours every stream has: increasing ids, a snapshot first, `end` last and once, each stage's events
// between its stage_started and its end, and percents that never go down.
void expect_well_formed(const std::vector<Event>& events) {
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.front().type, "snapshot");
  EXPECT_EQ(events.back().type, "end");
  EXPECT_EQ(of_type(events, "end").size(), 1u);
  std::map<std::string, std::string> phase;  // stage -> last event type
  double workflow_percent = 0;
  std::map<std::string, double> percent;
  std::map<std::string, int64_t> next_index;
  for (size_t i = 1; i < events.size(); ++i) {
    const Event& e = events[i];
    EXPECT_GT(e.id, events[i - 1].id) << "ids grow: event " << i << " " << e.type;
    if (e.type == "end") continue;
    const std::string stage = e.data["stage"];
    if (e.type == "stage_started") {
      EXPECT_FALSE(phase.contains(stage)) << stage << " started twice";
    } else {
      ASSERT_TRUE(phase.contains(stage)) << e.type << " of " << stage << " before it started";
      EXPECT_NE(phase[stage], "stage_completed") << e.type << " after " << stage << " completed";
      EXPECT_NE(phase[stage], "stage_failed") << e.type << " after " << stage << " failed";
    }
    phase[stage] = e.type;
    if (e.type == "stage_progress") {
      const double p = e.data["percent"], w = e.data["workflow_percent"];
      EXPECT_GT(p, percent[stage]) << stage << " went back or repeated";
      EXPECT_LE(p, 100.0);
      EXPECT_GE(w, workflow_percent) << "workflow_percent went back";
      percent[stage] = p;
      workflow_percent = w;
    }
    if (e.type == "segment") {
      EXPECT_EQ(e.data["index"].get<int64_t>(), next_index[stage]) << "each segment once, in order";
      next_index[stage] = e.data["index"].get<int64_t>() + 1;
    }
  }
  EXPECT_GE(events.back().data["workflow_percent"].get<double>(), workflow_percent);
}

// The transcript's text from its segments, as the node joins them (each segment's leading space kept).
std::string joined(const std::vector<Event>& segments) {
  std::string text;
  for (const auto& e : segments) text += e.data["text"].get<std::string>();
  const size_t first = text.find_first_not_of(' ');
  return first == std::string::npos ? "" : text.substr(first);
}

// 101 s of real speech: three AMI meeting excerpts and JFK, one after another, written to `path`. Whisper
// decodes it in two chunks, so with one lane the first chunk's segments are told while the second is decoded.
void write_long_recording(const std::string& path) {
  media::AudioWriter writer(path, "wav", 16000, 1);
  for (const std::string& part :
       {test_data("speech/en/ami_dev00.flac"), test_data("speech/en/ami_trn05.flac"),
        test_data("speech/en/ami_trn08.flac"), shared_fixture("jfk.wav")}) {
    const media::Audio audio = media::decode_audio(part);
    writer.write(audio.samples.data(), audio.samples.size());
  }
  writer.finish();
}

// Uploads the local file `path` as `name` (with `key` when given); returns the name to submit.
std::string upload(const LiveServer& server, const std::string& path, const std::string& name,
                   const std::string& key = "") {
  httplib::Client client(server.host(), server.port());
  client.set_read_timeout(60);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const httplib::MultipartFormDataItems items = {{"file", bytes, fs::path(path).filename(), ""},
                                                 {"file_path", name, "", ""}};
  httplib::Headers headers;
  if (!key.empty()) headers.emplace("X-API-Key", key);
  const auto r = client.Post("/v1/files/upload", headers, items);
  EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
  return name;
}

// The long recording, uploaded as videos/long.wav; returns that name.
std::string upload_long_recording(const LiveServer& server) {
  const std::string path = scratch_path("yivideo-events-long") + ".wav";
  write_long_recording(path);
  const std::string name = upload(server, path, "videos/long.wav");
  fs::remove(path);
  return name;
}

class EventsTest : public BackendSuite {
 protected:
  void SetUp() override {
    // One lane: chunks are decoded one after the other, so segments of the first come before the second
    // starts (with two lanes both may end together).
    server_ = &server_for("yivideo-events", {.env = {"YIVIDEO_TRANSCRIBE_LANES=1"}});
  }
  static std::string submit(const json& body) {
    return server_->post("/v1/workflows", body, 202)["workflow_id"].get<std::string>();
  }

  static inline LiveServer* server_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, EventsTest, ::testing::Values("sqlite", "redis"),
                         [](const auto& info) { return info.param; });

TEST_P(EventsTest, TranscriptionStreamsInOrderAndEndsCompleted) {
  const std::string id = submit(workflow(shared_fixture("jfk.wav")));
  const Stream s = follow(*server_, id);
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(s.headers.find("Content-Type")->second, "text/event-stream");
  expect_well_formed(s.events);
  EXPECT_EQ(s.events.front().data["workflow_id"], id);
  EXPECT_TRUE(s.events.front().data.contains("stages")) << "the snapshot is the status document";

  const json done = server_->get("/v1/workflows/status/" + id);
  ASSERT_EQ(done["status"], "completed") << done.dump(2);
  EXPECT_EQ(s.events.back().data, (json{{"status", "completed"}, {"workflow_percent", 100.0}}));
  // Both stages start and complete; the transcription's segments come before it completes and are its text.
  const auto completed = of_type(s.events, "stage_completed");
  ASSERT_EQ(completed.size(), 2u);
  EXPECT_EQ(of_type(s.events, "stage_started").size(), 2u);
  const json& transcription = completed[1].data;
  EXPECT_EQ(transcription["stage"], "stage_1");
  EXPECT_EQ(transcription["output"], done["stages"]["stage_1"]["output"]);
  EXPECT_EQ(transcription["download_urls"], done["stages"]["stage_1"]["download_urls"]);
  const auto segments = of_type(s.events, "segment");
  ASSERT_EQ(segments.size(), transcription["output"]["segments_count"].get<size_t>());
  EXPECT_EQ(joined(segments), transcription["output"]["text"]);
  EXPECT_NE(joined(segments).find("ask not what your country can do for you"), std::string::npos);
  for (const auto& e : segments) {
    EXPECT_EQ(e.data["stage"], "stage_1");
    EXPECT_EQ(e.data["task_name"], "faster_whisper.transcribe_audio");
    EXPECT_LT(e.data["start"].get<double>(), e.data["end"].get<double>());
  }
  // Each stage reaches 100 before it completes.
  for (const char* stage : {"stage_0", "stage_1"}) {
    double last = 0;
    for (const auto& e : of_type(s.events, "stage_progress"))
      if (e.data["stage"] == stage) last = e.data["percent"];
    EXPECT_EQ(last, 100.0) << stage;
  }
}

TEST_P(EventsTest, SegmentsOfALongRecordingArriveWhileItIsStillDecoded) {
  const std::string id = submit(workflow(upload_long_recording(*server_)));
  const Stream s = follow(*server_, id);
  ASSERT_EQ(s.status, 200) << s.body;
  expect_well_formed(s.events);
  ASSERT_EQ(s.events.back().data["status"], "completed");
  // Finer steps than one per minute: the transcription of 101 s reports at least one step per 30 s window.
  std::vector<double> steps;
  size_t first_segment = 0, completed = 0;
  for (size_t i = 0; i < s.events.size(); ++i) {
    const Event& e = s.events[i];
    if (e.type == "segment" && !first_segment) first_segment = i;
    if (e.type == "stage_completed" && e.data["stage"] == "stage_1") completed = i;
    if (e.type == "stage_progress" && e.data["stage"] == "stage_1") {
      steps.push_back(e.data["percent"]);
      if (steps.back() < 100) {
        EXPECT_FALSE(e.data["eta_seconds"].is_null()) << e.data;
      }
    }
  }
  EXPECT_GE(steps.size(), 4u) << json(steps);
  ASSERT_GT(first_segment, 0u);
  ASSERT_GT(completed, first_segment);
  // The first chunk's segments came while the stage was still under way: progress followed them.
  bool progress_after_segment = false;
  for (size_t i = first_segment; i < completed; ++i) {
    const Event& e = s.events[i];
    progress_after_segment |= e.type == "stage_progress" && e.data["percent"].get<double>() < 100;
  }
  EXPECT_TRUE(progress_after_segment) << "segments were told only at the end";
  const auto segments = of_type(s.events, "segment");
  EXPECT_EQ(joined(segments), s.events[completed].data["output"]["text"]);
  EXPECT_GT(segments.back().data["start"].get<double>(), 60.0) << "segments of the whole recording";
}

TEST_P(EventsTest, SegmentsAreInTheScriptOfTheResult) {
  json body = workflow(shared_fixture("zh/BAC009S0764W0121.wav"));  // AISHELL-1: 甚至出现交易几乎停滞的情况
  body["language"] = "zh";
  body["faster_whisper.transcribe_audio"]["zh_script"] = "traditional";
  const Stream s = follow(*server_, submit(body));
  ASSERT_EQ(s.status, 200) << s.body;
  expect_well_formed(s.events);
  const auto completed = of_type(s.events, "stage_completed");
  ASSERT_EQ(completed.size(), 2u);
  const std::string text = completed[1].data["output"]["text"];
  EXPECT_NE(text.find("現"), std::string::npos) << text;  // 出现 -> 出現
  EXPECT_EQ(joined(of_type(s.events, "segment")), text);
}

TEST_P(EventsTest, CancelledWorkflowEndsCancelled) {
  const std::string id = submit(workflow(upload_long_recording(*server_)));
  const Stream s = follow(*server_, id, {}, [&](const Event& e) {
    if (e.type == "stage_started" && e.data["stage"] == "stage_1")
      server_->post("/v1/workflows/" + id + "/cancel", json::object());
    return true;
  });
  ASSERT_EQ(s.status, 200) << s.body;
  expect_well_formed(s.events);
  EXPECT_EQ(s.events.back().data["status"], "cancelled");
  EXPECT_LT(s.events.back().data["workflow_percent"].get<double>(), 100);
  EXPECT_TRUE(of_type(s.events, "stage_completed").size() == 1u) << "the transcription never completed";
}

TEST_P(EventsTest, FailedWorkflowEndsFailedWithTheStageError) {
  // Text where media should be: accepted at submit (the file exists), refused by the decoder.
  const std::string id = submit(workflow(shared_fixture("jfk.txt")));
  const Stream s = follow(*server_, id);
  ASSERT_EQ(s.status, 200) << s.body;
  expect_well_formed(s.events);
  const auto failed = of_type(s.events, "stage_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].data["stage"], "stage_0");
  EXPECT_EQ(failed[0].data["error"]["code"], "invalid_media") << failed[0].data;
  EXPECT_FALSE(failed[0].data["error"]["detail"].get<std::string>().empty());
  EXPECT_EQ(s.events.back().data["status"], "failed");
  EXPECT_TRUE(of_type(s.events, "segment").empty());
}

TEST_P(EventsTest, LastEventIdResumesAfterThatEvent) {
  const std::string id = submit(workflow(shared_fixture("jfk.wav")));
  const Stream whole = follow(*server_, id);
  ASSERT_EQ(whole.status, 200) << whole.body;
  expect_well_formed(whole.events);
  const auto first_done = of_type(whole.events, "stage_completed").at(0);

  // After the first stage's end: the rest, without a snapshot, exactly as the first stream told it.
  const Stream resumed = follow(*server_, id, {{"Last-Event-ID", std::to_string(first_done.id)}});
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  ASSERT_FALSE(resumed.events.empty());
  EXPECT_EQ(resumed.events.front().type, "stage_started");
  EXPECT_EQ(resumed.events.front().data["stage"], "stage_1");
  EXPECT_GT(resumed.events.front().id, first_done.id);
  EXPECT_EQ(resumed.events.back().type, "end");
  EXPECT_EQ(joined(of_type(resumed.events, "segment")), joined(of_type(whole.events, "segment")));

  // After the end, and with an id that is not ours: a fresh snapshot, then the end.
  for (const std::string& last : {std::to_string(whole.events.back().id), std::string("not-an-id")}) {
    const Stream again = follow(*server_, id, {{"Last-Event-ID", last}});
    ASSERT_EQ(again.events.size(), 2u) << again.body;
    EXPECT_EQ(again.events[0].type, "snapshot");
    EXPECT_EQ(again.events[1].type, "end");
  }
}

TEST_P(EventsTest, UnknownWorkflowIsNotFound) {
  const Stream s = follow(*server_, "no-such-workflow");
  EXPECT_EQ(s.status, 404);
  EXPECT_EQ(json::parse(s.body)["code"], "workflow_not_found");
}

const std::string kAdminKey = "events-admin-key-0123456789abcdef0123456789abcdef";

std::string create_key(const LiveServer& server, const std::vector<std::string>& scopes) {
  httplib::Client client(server.host(), server.port());
  const auto r = client.Post("/v1/keys", {{"X-API-Key", kAdminKey}},
                             json{{"name", "events"}, {"scopes", scopes}}.dump(), "application/json");
  EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
  return json::parse(r->body)["key"];
}

TEST(EventsAccessTest, KeysScopesAndOwnershipApplyAsToTheStatusRoute) {
  LiveServer server("yivideo-events-keys", {.env = {"YIVIDEO_ADMIN_KEY=" + kAdminKey}});
  const std::string owner = create_key(server, {"read", "submit", "files"});
  const std::string other = create_key(server, {"read"});
  const std::string no_read = create_key(server, {"submit"});
  httplib::Client client(server.host(), server.port());
  const auto submitted =
      client.Post("/v1/workflows", {{"X-API-Key", owner}},
                  workflow(upload(server, shared_fixture("jfk.wav"), "videos/jfk.wav", owner)).dump(),
                  "application/json");
  ASSERT_TRUE(submitted && submitted->status == 202) << (submitted ? submitted->body : "no answer");
  const std::string id = json::parse(submitted->body)["workflow_id"];

  EXPECT_EQ(follow(server, id).status, 401);
  EXPECT_EQ(follow(server, id, {{"X-API-Key", no_read}}).status, 403);
  const Stream foreign = follow(server, id, {{"X-API-Key", other}});
  EXPECT_EQ(foreign.status, 404) << "another key's workflow is as unknown as a missing one";
  EXPECT_EQ(json::parse(foreign.body)["code"], "workflow_not_found");
  const Stream own = follow(server, id, {{"Authorization", "Bearer " + owner}});
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.events.back().data["status"], "completed");
  EXPECT_EQ(follow(server, id, {{"X-API-Key", kAdminKey}}).status, 200) << "admin sees every workflow";
}

TEST(EventsQuietTest, AStreamWithNothingToTellSendsKeepAliveComments) {
  LiveServer server("yivideo-events-quiet", {.workers = 0});  // nothing runs: the workflow stays pending
  const std::string id = server.post("/v1/workflows", workflow(shared_fixture("jfk.wav")), 202)["workflow_id"]
                             .get<std::string>();
  std::string comment;
  const Stream s = follow(server, id, {}, [&](const Event& e) {
    if (e.type != ":") return true;
    comment = e.data;
    return false;
  });
  EXPECT_EQ(comment, ": keep-alive");
  ASSERT_EQ(s.events.size(), 1u) << s.body;
  EXPECT_EQ(s.events[0].type, "snapshot");
  EXPECT_EQ(s.events[0].data["status"], "pending");
}

TEST(EventsAccessTest, StreamsBeyondTheLimitAreRefusedAndStatusStillAnswers) {
  LiveServer server("yivideo-events-limit", {.env = {"YIVIDEO_MAX_EVENT_STREAMS=2"}});
  const std::string id =
      server.post("/v1/workflows", workflow(upload_long_recording(server)), 202)["workflow_id"]
          .get<std::string>();
  // Two followers hold the two streams until the workflow ends.
  std::atomic<int> open{0};
  std::vector<std::thread> followers;
  std::vector<Stream> followed(2);
  for (int i = 0; i < 2; ++i) {
    followers.emplace_back([&, i] {
      followed[size_t(i)] = follow(server, id, {}, [&](const Event& e) {
        if (e.type == "snapshot") ++open;
        return true;
      });
    });
  }
  for (int i = 0; i < 500 && open < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(open, 2);
  const Stream refused = follow(server, id);
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(json::parse(refused.body)["code"], "too_many_streams");
  EXPECT_EQ(refused.headers.find("Retry-After")->second, "5");
  // The threads that answer status polls are not the streams'.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(server.get("/v1/workflows/status/" + id)["workflow_id"], id);
  server.post("/v1/workflows/" + id + "/cancel", json::object());
  for (auto& t : followers) t.join();
  for (const Stream& s : followed) EXPECT_EQ(s.events.back().data["status"], "cancelled");
  // Once they ended, a stream is served again (as soon as the server has taken their connections back).
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    status = follow(server, id).status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace yv::test

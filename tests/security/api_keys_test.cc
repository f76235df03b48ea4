// Issue 18, item 2: API keys. With keys on, every route but GET /, the health check and the documentation
// answers 401 without a key and 403 with a key lacking the route's scope (checked for every operation the
// OpenAPI document lists); a key sees only its own workflows, tasks and files, an admin key all of them; keys
// are managed over HTTP and with `yivideo keys` against a running server; rate and upload limits answer 429
// with Retry-After; CORS preflights are answered for listed origins only; and `serve` will not listen beyond
// loopback without keys unless told --insecure-no-auth.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "core/files.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/subprocess.h"

namespace yv::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kAdminKey = "test-admin-key-0123456789abcdef0123456789abcdef";
const std::string kOrigin = "https://app.example";

struct Answer {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  json parsed() const { return json::parse(body, nullptr, false); }
  std::string code() const { return parsed().value("code", ""); }
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// One request; `key` goes in X-API-Key, or as a bearer token when `bearer`.
Answer request(const LiveServer& s, const std::string& method, const std::string& path,
               const std::string& key, const std::string& body = "", httplib::Headers headers = {},
               bool bearer = false) {
  httplib::Client client(s.host(), s.port());
  client.set_read_timeout(30);
  if (!key.empty()) headers.emplace(bearer ? "Authorization" : "X-API-Key", (bearer ? "Bearer " : "") + key);
  httplib::Result r = method == "GET"       ? client.Get(path.c_str(), headers)
                      : method == "HEAD"    ? client.Head(path.c_str(), headers)
                      : method == "DELETE"  ? client.Delete(path.c_str(), headers)
                      : method == "OPTIONS" ? client.Options(path.c_str(), headers)
                                            : client.Post(path.c_str(), headers, body, "application/json");
  if (!r) return {};
  return {r->status, r->body, r->headers};
}

Answer upload(const LiveServer& s, const std::string& key, const std::string& file_path,
              const std::string& content) {
  httplib::Client client(s.host(), s.port());
  const httplib::MultipartFormDataItems items = {{"file", content, "clip.wav", "audio/wav"},
                                                 {"file_path", file_path, "", ""}};
  httplib::Result r = client.Post("/v1/files/upload", {{"X-API-Key", key}}, items);
  if (!r) return {};
  return {r->status, r->body, r->headers};
}

// A new key with `scopes` and limits, created over HTTP with the admin key: {"id", "key", ...}.
json create_key(const LiveServer& s, const std::vector<std::string>& scopes, double rate = 0,
                uint64_t upload_bytes = 0) {
  const Answer a = request(s, "POST", "/v1/keys", kAdminKey,
                           json{{"name", "test"},
                                {"scopes", scopes},
                                {"requests_per_second", rate},
                                {"upload_bytes_per_hour", upload_bytes}}
                               .dump());
  EXPECT_EQ(a.status, 201) << a.body;
  return a.parsed();
}

class ApiKeysTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new LiveServer(
        "yivideo-api-keys",
        {.workers = 0, .env = {"YIVIDEO_ADMIN_KEY=" + kAdminKey, "YIVIDEO_CORS_ORIGINS=" + kOrigin}});
  }
  static void TearDownTestSuite() { delete server_; }
  static LiveServer* server_;
};
LiveServer* ApiKeysTest::server_ = nullptr;

TEST_F(ApiKeysTest, EveryRouteButTheOpenOnesAnswers401WithoutAKeyAnd403WithoutItsScope) {
  const Answer doc = request(*server_, "GET", "/openapi.json", "");
  ASSERT_EQ(doc.status, 200);
  const json openapi = doc.parsed();
  EXPECT_EQ(openapi["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
  EXPECT_EQ(openapi["components"]["securitySchemes"]["apiKey"]["name"], "X-API-Key");
  const std::map<std::string, std::string> keys = {{"read", create_key(*server_, {"read"})["key"]},
                                                   {"submit", create_key(*server_, {"submit"})["key"]},
                                                   {"files", create_key(*server_, {"files"})["key"]}};
  std::set<std::string> open;
  int secured = 0;
  for (const auto& [path, operations] : openapi["paths"].items()) {
    std::string concrete = std::regex_replace(path, std::regex(R"(\{file_path\})"), "x/y.wav");
    concrete = std::regex_replace(concrete, std::regex(R"(\{[a-z_]+\})"), "x");
    for (const auto& [lower, op] : operations.items()) {
      std::string method = lower;
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      const std::string what = method + " " + path;
      const Answer anonymous = request(*server_, method, concrete, "", "{}");
      ASSERT_NE(anonymous.status, 0) << what;
      if (op["security"].empty()) {
        open.insert(what);
        EXPECT_NE(anonymous.status, 401) << what;
        continue;
      }
      ++secured;
      EXPECT_EQ(anonymous.status, 401) << what << ": " << anonymous.body;
      EXPECT_EQ(anonymous.code(), "unauthorized") << what;
      EXPECT_EQ(anonymous.header("WWW-Authenticate"), "Bearer") << what;
      const Answer unknown = request(*server_, method, concrete, "yv_not-a-key", "{}");
      EXPECT_EQ(unknown.status, 401) << what;
      EXPECT_EQ(unknown.code(), "invalid_api_key") << what;
      const std::string scope = op["x-required-scope"];
      const Answer wrong =
          request(*server_, method, concrete, keys.at(scope == "read" ? "files" : "read"), "{}");
      EXPECT_EQ(wrong.status, 403) << what << ": " << wrong.body;
      EXPECT_EQ(wrong.code(), "insufficient_scope") << what;
      if (scope != "admin") {  // the right scope gets past the gate (to whatever the route answers)
        const Answer right = request(*server_, method, concrete, keys.at(scope), "{}");
        EXPECT_NE(right.status, 401) << what;
        EXPECT_NE(right.status, 403) << what << ": " << right.body;
      }
    }
  }
  EXPECT_GT(secured, 20);
  EXPECT_EQ(open, (std::set<std::string>{"GET /", "GET /api/v1/monitoring/health", "GET /docs",
                                         "GET /docs/{asset}", "GET /openapi.json", "GET /studio",
                                         "GET /studio/", "GET /studio/{studio_file}", "GET /v1/whoami"}));
  // Both headers carry a key.
  EXPECT_EQ(request(*server_, "GET", "/v1/workflows", keys.at("read"), "", {}, true).status, 200);
  EXPECT_EQ(request(*server_, "GET", "/v1/workflows", keys.at("read")).status, 200);
}

// The studio asks who it is before it shows monitoring: only admin keys see the fleet, and the server holds
// the same line.
TEST_F(ApiKeysTest, WhoamiTellsTheKeysScopesAndFleetMonitoringIsAdminOnly) {
  const std::string read = create_key(*server_, {"read", "files"})["key"];
  const json anonymous = request(*server_, "GET", "/v1/whoami", "").parsed();
  EXPECT_EQ(anonymous, (json{{"keys_enabled", true}, {"key", nullptr}, {"scopes", json::array()}}));
  const json reader = request(*server_, "GET", "/v1/whoami", read, "", {}, true).parsed();
  EXPECT_EQ(reader["scopes"], (json{"read", "files"}));
  EXPECT_EQ(reader["key"]["name"], "test");
  EXPECT_FALSE(reader["key"].contains("sha256"));
  EXPECT_EQ(request(*server_, "GET", "/v1/whoami", kAdminKey).parsed()["scopes"], json{"admin"});
  const Answer unknown = request(*server_, "GET", "/v1/whoami", "yv_not-a-key");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.code(), "invalid_api_key");
  for (const std::string path : {"/api/v1/monitoring/heartbeat/all", "/api/v1/monitoring/statistics",
                                 "/api/v1/monitoring/gpu-lock/status", "/api/v1/monitoring/timeout/config"}) {
    EXPECT_EQ(request(*server_, "GET", path, read).code(), "insufficient_scope") << path;
    EXPECT_EQ(request(*server_, "GET", path, kAdminKey).status, 200) << path;
  }
  EXPECT_EQ(request(*server_, "GET", "/api/v1/monitoring/health", read).status, 200);
}

TEST_F(ApiKeysTest, OneKeyCannotReachAnothersWorkflowTaskOrFileButAdminCan) {
  const std::string a = create_key(*server_, {"read", "submit", "files"})["key"];
  const std::string b = create_key(*server_, {"read", "submit", "files"})["key"];
  const std::string clip = read_file(shared_fixture("jfk.wav"));
  ASSERT_EQ(upload(*server_, a, "alice/clip.wav", clip).status, 200);
  const Answer submitted = request(*server_, "POST", "/v1/workflows", a,
                                   json{{"video_path", "alice/clip.wav"},
                                        {"workflow_config", {{"workflow_chain", {"ffmpeg.extract_audio"}}}}}
                                       .dump());
  ASSERT_EQ(submitted.status, 202) << submitted.body;
  const std::string id = submitted.parsed()["workflow_id"];

  EXPECT_EQ(request(*server_, "GET", "/v1/workflows/status/" + id, a).status, 200);
  for (const std::string& path :
       {"/v1/workflows/status/" + id, "/v1/workflows/" + id, "/api/v1/monitoring/heartbeat/task/" + id}) {
    const Answer other = request(*server_, "GET", path, b);
    EXPECT_EQ(other.status, 404) << path << ": " << other.body;
  }
  EXPECT_EQ(request(*server_, "GET", "/v1/workflows/status/" + id, b).code(), "workflow_not_found");
  EXPECT_EQ(request(*server_, "POST", "/v1/workflows/" + id + "/cancel", b).status, 404);
  const Answer retry = request(*server_, "POST", "/v1/workflows", b,
                               json{{"execution_mode", "retry"}, {"workflow_id", id}}.dump());
  EXPECT_EQ(retry.status, 404) << retry.body;

  const auto listed = [&](const std::string& key) {
    std::set<std::string> ids;
    const json page = request(*server_, "GET", "/v1/workflows", key).parsed();
    for (const auto& w : page["workflows"]) ids.insert(w["workflow_id"].get<std::string>());
    return ids;
  };
  EXPECT_TRUE(listed(a).contains(id));
  EXPECT_FALSE(listed(b).contains(id));
  EXPECT_TRUE(listed(kAdminKey).contains(id));

  // Files: read, use as input and overwrite.
  EXPECT_EQ(request(*server_, "GET", "/v1/files/download/alice/clip.wav", a).body, clip);
  const Answer download = request(*server_, "GET", "/v1/files/download/alice/clip.wav", b);
  EXPECT_EQ(download.status, 404);
  EXPECT_EQ(download.code(), "file_not_found");
  const Answer borrowed = request(*server_, "POST", "/v1/workflows", b,
                                  json{{"video_path", "alice/clip.wav"},
                                       {"workflow_config", {{"workflow_chain", {"ffmpeg.extract_audio"}}}}}
                                      .dump());
  EXPECT_EQ(borrowed.status, 404) << borrowed.body;
  const Answer local = request(*server_, "POST", "/v1/workflows", b,
                               json{{"video_path", shared_fixture("jfk.wav")},
                                    {"workflow_config", {{"workflow_chain", {"ffmpeg.extract_audio"}}}}}
                                   .dump());
  EXPECT_EQ(local.status, 403) << local.body;
  EXPECT_EQ(local.code(), "input_not_allowed");
  const Answer overwrite = upload(*server_, b, "alice/clip.wav", "not the clip");
  EXPECT_EQ(overwrite.status, 409) << overwrite.body;
  EXPECT_EQ(request(*server_, "GET", "/v1/files/download/alice/clip.wav", a).body, clip);

  // Tasks: status, cancel, and the same task_id.
  const json task = {{"task_name", "ffmpeg.extract_audio"},
                     {"task_id", "alice-task"},
                     {"input_data", {{"video_path", "alice/clip.wav"}}}};
  ASSERT_EQ(request(*server_, "POST", "/v1/tasks", a, task.dump()).status, 200);
  EXPECT_EQ(request(*server_, "GET", "/v1/tasks/alice-task/status", a).status, 200);
  EXPECT_EQ(request(*server_, "GET", "/v1/tasks/alice-task/status", b).status, 404);
  EXPECT_EQ(request(*server_, "DELETE", "/v1/tasks/alice-task", b).status, 404);
  json stolen = task;
  stolen["input_data"]["video_path"] = "bob/none.wav";
  ASSERT_EQ(upload(*server_, b, "bob/none.wav", clip).status, 200);
  EXPECT_EQ(request(*server_, "POST", "/v1/tasks", b, stolen.dump()).status, 409);

  // Files named inside lists are held to the same rule.
  const Answer in_list = request(
      *server_, "POST", "/v1/tasks", b,
      json{{"task_name", "ffmpeg.mix_audio"},
           {"input_data", {{"dubbed_audio_path", "bob/none.wav"}, {"all_audio_files", {"alice/clip.wav"}}}}}
          .dump());
  EXPECT_EQ(in_list.status, 404) << in_list.body;
  const Answer track = request(
      *server_, "POST", "/v1/tasks", b,
      json{{"task_name", "ffmpeg.mux_video"},
           {"input_data", {{"video_path", "bob/none.wav"}, {"audio_tracks", {{{"path", "/etc/passwd"}}}}}}}
          .dump());
  EXPECT_EQ(track.status, 403) << track.body;

  // The admin key reaches all of it.
  EXPECT_EQ(request(*server_, "GET", "/v1/workflows/status/" + id, kAdminKey).status, 200);
  EXPECT_EQ(request(*server_, "GET", "/v1/tasks/alice-task/status", kAdminKey).status, 200);
  EXPECT_EQ(request(*server_, "GET", "/v1/files/download/alice/clip.wav", kAdminKey).body, clip);
  EXPECT_EQ(request(*server_, "POST", "/v1/workflows/" + id + "/cancel", kAdminKey).status, 200);
}

TEST_F(ApiKeysTest, RateAndUploadLimitsAnswer429WithRetryAfter) {
  const std::string slow = create_key(*server_, {"read"}, 2)["key"];
  std::vector<Answer> answers;
  for (int i = 0; i < 6; ++i) answers.push_back(request(*server_, "GET", "/v1/workflows", slow));
  EXPECT_EQ(answers[0].status, 200);
  EXPECT_EQ(answers[1].status, 200);
  const auto limited =
      std::find_if(answers.begin(), answers.end(), [](const Answer& a) { return a.status == 429; });
  ASSERT_NE(limited, answers.end());
  EXPECT_EQ(limited->code(), "rate_limited");
  EXPECT_GE(std::stoi(limited->header("Retry-After")), 1);

  const std::string small = create_key(*server_, {"files"}, 0, 3000)["key"];
  EXPECT_EQ(upload(*server_, small, "quota/one.bin", std::string(1500, 'a')).status, 200);
  const Answer over = upload(*server_, small, "quota/two.bin", std::string(1500, 'b'));
  EXPECT_EQ(over.status, 429) << over.body;
  EXPECT_EQ(over.code(), "upload_quota_exceeded");
  EXPECT_GT(std::stoi(over.header("Retry-After")), 60);
}

TEST_F(ApiKeysTest, KeysAreManagedOverHttpAndWithTheCliOfARunningServer) {
  const json created = create_key(*server_, {"read"});
  const std::string key = created["key"], id = created["id"];
  EXPECT_TRUE(key.starts_with("yv_") && key.size() == 67) << key;
  EXPECT_EQ(request(*server_, "GET", "/v1/keys", key).status, 403);
  const Answer listed = request(*server_, "GET", "/v1/keys", kAdminKey);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.find(key), std::string::npos) << "a key was listed";
  EXPECT_EQ(listed.body.find("sha256"), std::string::npos) << "a hash was listed";
  EXPECT_EQ(request(*server_, "DELETE", "/v1/keys/" + id, kAdminKey).status, 200);
  EXPECT_EQ(request(*server_, "GET", "/v1/workflows", key).code(), "invalid_api_key");
  // The stored file holds hashes, never keys.
  const std::string file = read_file(server_->dir() / "data" / "api_keys.json");
  EXPECT_EQ(file.find(key), std::string::npos);

  const auto cli = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/env", "YIVIDEO_DATA_DIR=" + (server_->dir() / "data").string(),
                               YIVIDEO_BIN, "keys"});
    const ProcessResult r = run_process(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  };
  const json made = cli({"create", "--name", "from-cli", "--scopes", "read,submit"});
  const auto status_with = [&](const std::string& k, int want) {
    int status = 0;
    for (int i = 0; i < 40 && status != want; ++i) {  // the server looks at the file once a second
      status = request(*server_, "GET", "/v1/workflows", k).status;
      if (status != want) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return status;
  };
  EXPECT_EQ(status_with(made["key"], 200), 200);
  EXPECT_EQ(made["scopes"], json({"read", "submit"}));
  bool found = false;
  const json list = cli({"list"});
  for (const auto& k : list["keys"]) found |= k["id"] == made["id"];
  EXPECT_TRUE(found);
  EXPECT_FALSE(cli({"revoke", made["id"]})["revoked_at"].is_null());
  EXPECT_EQ(status_with(made["key"], 401), 401);
}

TEST_F(ApiKeysTest, CorsPreflightIsAnsweredForListedOriginsOnly) {
  const Answer allowed = request(*server_, "OPTIONS", "/v1/workflows", "", "",
                                 {{"Origin", kOrigin}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(allowed.status, 204) << allowed.body;
  EXPECT_EQ(allowed.header("Access-Control-Allow-Origin"), kOrigin);
  EXPECT_NE(allowed.header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(allowed.header("Access-Control-Allow-Headers").find("X-API-Key"), std::string::npos);
  const Answer refused =
      request(*server_, "OPTIONS", "/v1/workflows", "", "",
              {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.code(), "cors_origin_not_allowed");
  EXPECT_EQ(refused.header("Access-Control-Allow-Origin"), "");
  // Answers carry the header for listed origins, refusals too (so a page can read its 401).
  EXPECT_EQ(
      request(*server_, "GET", "/", "", "", {{"Origin", kOrigin}}).header("Access-Control-Allow-Origin"),
      kOrigin);
  EXPECT_EQ(request(*server_, "GET", "/", "", "", {{"Origin", "https://evil.example"}})
                .header("Access-Control-Allow-Origin"),
            "");
  const Answer unauthorized = request(*server_, "GET", "/v1/workflows", "", "", {{"Origin", kOrigin}});
  EXPECT_EQ(unauthorized.status, 401);
  EXPECT_EQ(unauthorized.header("Access-Control-Allow-Origin"), kOrigin);
}

// The OpenAI-style route answers with the text, not a task id: the task it ran (named in a header) is still
// the caller's to look at, and nobody else's.
TEST(ApiKeysAudio, TheTaskBehindATranscriptionIsTheCallersOwn) {
  LiveServer server("yivideo-api-keys-audio", {.workers = 1, .env = {"YIVIDEO_ADMIN_KEY=" + kAdminKey}});
  const std::string a = create_key(server, {"read", "submit", "files"})["key"];
  const std::string b = create_key(server, {"read", "submit", "files"})["key"];
  httplib::Client client(server.host(), server.port());
  client.set_read_timeout(300);
  const httplib::MultipartFormDataItems items = {
      {"file", read_file(shared_fixture("jfk.wav")), "jfk.wav", "audio/wav"},
      {"model", "whisper-1", "", ""},
      {"response_format", "text", "", ""}};
  const httplib::Result r = client.Post("/v1/audio/transcriptions", {{"X-API-Key", a}}, items);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("country"), std::string::npos) << r->body;
  const std::string task = r->get_header_value("X-YiVideo-Task-Id");
  ASSERT_FALSE(task.empty());
  EXPECT_EQ(request(server, "GET", "/v1/tasks/" + task + "/status", a).status, 200);
  EXPECT_EQ(request(server, "GET", "/v1/tasks/" + task + "/status", b).status, 404);
  EXPECT_EQ(request(server, "GET", "/v1/tasks/" + task + "/status", kAdminKey).status, 200);
}

TEST(ServeWithoutKeys, RefusesANonLoopbackAddressUnlessToldInsecureNoAuth) {
  const fs::path dir = scratch_path("yivideo-no-keys");
  fs::create_directories(dir);
  const ProcessResult refused =
      run_process({"/usr/bin/env", "YIVIDEO_DATA_DIR=" + (dir / "data").string(), YIVIDEO_BIN, "serve",
                   "--host", "0.0.0.0", "--port", std::to_string(free_port()), "--workers", "0", "--db",
                   (dir / "state.db").string()});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("--insecure-no-auth"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("auth_required"), std::string::npos) << refused.err;
  fs::remove_all(dir);

  LiveServer insecure("yivideo-insecure", {.workers = 0, .args = {"--insecure-no-auth"}, .host = "0.0.0.0"});
  EXPECT_EQ(request(insecure, "GET", "/v1/workflows", "").status, 200);
  // With a key, the same address is served, and the key is required.
  LiveServer keyed("yivideo-keyed",
                   {.workers = 0, .env = {"YIVIDEO_ADMIN_KEY=" + kAdminKey}, .host = "0.0.0.0"});
  EXPECT_EQ(request(keyed, "GET", "/v1/workflows", "").status, 401);
  EXPECT_EQ(request(keyed, "GET", "/v1/workflows", kAdminKey).status, 200);
}

}  // namespace
}  // namespace yv::test

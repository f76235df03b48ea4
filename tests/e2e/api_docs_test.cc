// GET /openapi.json and GET /docs of a live server: the document lists every route the server answers, with
// the node registry's parameters, and the interactive page is served from local files and works in a real
// browser under its content-security policy.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "support/fixtures.h"
#include "support/live_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

class ApiDocsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LiveServer("yivideo-api-docs"); }
  static void TearDownTestSuite() { delete server_; }
  static inline LiveServer* server_ = nullptr;
};

TEST_F(ApiDocsTest, DocumentCoversTheContractsRoutes) {
  const json doc = server_->get("/openapi.json");
  EXPECT_EQ(doc["openapi"], "3.0.3");
  std::set<std::string> documented;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) documented.insert(method + " " + path);
  }
  for (const char* route :
       {"get /", "post /v1/workflows", "get /v1/workflows", "get /v1/workflows/status/{workflow_id}",
        "get /v1/workflows/{workflow_id}", "post /v1/workflows/{workflow_id}/cancel", "post /v1/tasks",
        "get /v1/tasks/{task_id}/status", "delete /v1/tasks/{task_id}", "get /v1/tasks/supported-tasks",
        "get /openapi.json", "get /docs", "get /metrics", "post /v1/files/upload",
        "get /v1/files/download/{file_path}", "delete /v1/files/{file_path}",
        "delete /v1/files/directories"}) {
    EXPECT_TRUE(documented.contains(route)) << route;
  }
}

// What client generators need (issue 18): a unique operationId, a name in any language, and the shape of each
// successful answer (a schema for JSON, the media type otherwise).
TEST_F(ApiDocsTest, EveryOperationHasAUniqueIdAndDescribesItsAnswers) {
  const json doc = server_->get("/openapi.json");
  std::set<std::string> ids;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      const std::string id = op.value("operationId", "");
      EXPECT_TRUE(std::regex_match(id, std::regex("[a-z][a-z0-9_]*"))) << method << " " << path << ": " << id;
      EXPECT_TRUE(ids.insert(id).second) << "operationId " << id << " twice";
      int successes = 0;
      for (const auto& [status, answer] : op["responses"].items()) {
        if (status.starts_with("3")) ++successes;  // a redirect's answer (GET /studio)
        if (!status.starts_with("2")) continue;
        ++successes;
        EXPECT_TRUE(status == "204" || answer.contains("content")) << method << " " << path << " " << status;
      }
      EXPECT_GE(successes, 1) << method << " " << path;
    }
  }
}

TEST_F(ApiDocsTest, EveryDocumentedRouteIsServed) {
  const json doc = server_->get("/openapi.json");
  httplib::Client client("127.0.0.1", server_->port());
  for (const auto& [path, methods] : doc["paths"].items()) {
    const std::string concrete = std::regex_replace(path, std::regex(R"(\{[a-z_]+\})"), "probe");
    for (const auto& [method, op] : methods.items()) {
      httplib::Result res = method == "get"    ? client.Get(concrete.c_str())
                            : method == "post" ? client.Post(concrete.c_str(), "{}", "application/json")
                                               : client.Delete(concrete.c_str());
      ASSERT_TRUE(res) << method << " " << concrete;
      // Whatever the answer to a probe, it must not be the router's "no such route".
      const json body = json::parse(res->body, nullptr, false);
      const bool no_route = body.is_object() && body.value("code", "") == "not_found" &&
                            body.value("detail", "").starts_with("no route");
      EXPECT_FALSE(no_route) << method << " " << path;
      EXPECT_LT(res->status, 500) << method << " " << concrete << ": " << res->body;
    }
  }
}

TEST_F(ApiDocsTest, SchemasComeFromTheNodeRegistry) {
  const json doc = server_->get("/openapi.json");
  const json& schemas = doc["components"]["schemas"];
  const json tasks = server_->get("/v1/tasks/supported-tasks");
  ASSERT_FALSE(tasks["tasks"].empty());
  for (const auto& task : tasks["tasks"]) {
    const std::string name = task["name"];
    ASSERT_TRUE(schemas.contains("NodeParams." + name)) << name;
    for (const auto& p : task["parameters"]) {
      EXPECT_TRUE(schemas["NodeParams." + name]["properties"].contains(p["name"].get<std::string>()));
    }
    EXPECT_TRUE(schemas["WorkflowRequest"]["properties"].contains(name)) << name;
  }
  EXPECT_TRUE(schemas["WorkflowRequest"]["properties"].contains("language")) << "globals are documented";
}

TEST_F(ApiDocsTest, DocsPageIsSwaggerUiFromLocalFiles) {
  httplib::Client client("127.0.0.1", server_->port());
  auto page = client.Get("/docs");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("/docs/swagger-ui-bundle.js"), std::string::npos);
  EXPECT_EQ(page->body.find("https://"), std::string::npos) << "no CDN";
  auto bundle = client.Get("/docs/swagger-ui-bundle.js");
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->status, 200) << bundle->body;
  EXPECT_GT(bundle->body.size(), 100000u);
  EXPECT_EQ(client.Get("/docs/..%2f..%2fetc%2fpasswd")->status, 404);
}

// The page in a real browser (Debian's Chromium, headless), under the page's own content-security policy:
// Swagger UI's script runs, fetches the document and draws every operation, and the browser reports no
// violation of the policy (a blocked script or style would leave the page blank, and say so on the console).
TEST_F(ApiDocsTest, DocsPageRendersInARealBrowserUnderItsPolicy) {
  const std::string out = scratch_path("yivideo-docs-browser");
  const std::string cmd =
      "chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=" + out +
      ".profile --virtual-time-budget=15000 --enable-logging=stderr --v=0 --dump-dom "
      "http://127.0.0.1:" +
      std::to_string(server_->port()) + "/docs >" + out + ".html 2>" + out + ".log";
  ASSERT_EQ(std::system(cmd.c_str()), 0)
      << "chromium (Debian package, installed by scripts/test) failed: " << read_text(out + ".log");
  const std::string dom = read_text(out + ".html"), log = read_text(out + ".log");
  EXPECT_NE(dom.find("opblock"), std::string::npos) << "Swagger UI drew no operation";
  EXPECT_NE(dom.find("/v1/workflows"), std::string::npos);
  EXPECT_EQ(log.find("Content Security Policy"), std::string::npos) << log;
  std::filesystem::remove_all(out + ".profile");
  std::filesystem::remove(out + ".html");
  std::filesystem::remove(out + ".log");
}

}  // namespace
}  // namespace yv::test

// Issue 15, finding 2: a body nesting arrays ~75,000 deep inside an array-typed parameter overflowed the
// stack of the thread handling it, and the whole API went down. Bodies are cut off at 64 levels while they
// are parsed, on every route that reads one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/fixtures.h"
#include "support/live_server.h"

namespace yv::test {
namespace {
using nlohmann::json;

// Past the 74,476 levels that crashed the server, and still far below the 1 MiB body limit.
constexpr int kAttackDepth = 100000;

// `levels` nested arrays around a number, as JSON text: "[[[0]]]" for 3.
std::string nested_arrays(int levels) { return std::string(levels, '[') + "0" + std::string(levels, ']'); }

class JsonDepthSecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LiveServer("yivideo-security-json-depth"); }
  static void TearDownTestSuite() { delete server_; }

  // The answer to `body` on `route`, which must be a 400; then the server must still answer.
  static json refusal(const std::string& route, const std::string& body) {
    const json answer = server_->call("POST", route, body, 400);
    server_->get("/");
    return answer;
  }

  static inline LiveServer* server_ = nullptr;
};

TEST_F(JsonDepthSecurityTest, DeeplyNestedWorkflowParameterIsRefused) {
  const std::string body =
      R"({"video_path": ")" + shared_fixture("jfk.wav") +
      R"(", "workflow_config": {"workflow_chain": ["faster_whisper.transcribe_audio"]},)" +
      R"( "faster_whisper.transcribe_audio": {"temperature": )" + nested_arrays(kAttackDepth) + "}}";
  EXPECT_EQ(refusal("/v1/workflows", body)["code"], "json_too_deep");
}

TEST_F(JsonDepthSecurityTest, DeeplyNestedTaskInputIsRefused) {
  const std::string body =
      R"({"task_name": "faster_whisper.transcribe_audio", "input_data": {"video_path": ")" +
      shared_fixture("jfk.wav") + R"(", "temperature": )" + nested_arrays(kAttackDepth) + "}}";
  EXPECT_EQ(refusal("/v1/tasks", body)["code"], "json_too_deep");
}

TEST_F(JsonDepthSecurityTest, NestingIsCutOffPast64Levels) {
  // The body object is level 1: 63 arrays inside it make 64 levels, which are parsed (and then refused as an
  // unknown node); one more level is refused before any of it is looked at.
  const auto body = [](int arrays) {
    return R"({"task_name": "no.such_node", "x": )" + nested_arrays(arrays) + "}";
  };
  EXPECT_EQ(refusal("/v1/tasks", body(63))["code"], "unknown_node");
  EXPECT_EQ(refusal("/v1/tasks", body(64))["code"], "json_too_deep");
}

TEST_F(JsonDepthSecurityTest, DeeplyNestedFileAStageReadsFailsTheStageNotTheWorker) {
  // Files a node parses come from clients too (an uploaded transcript): the worker reads them with the same
  // bound, so the task fails clearly instead of a crashed worker running it again and again.
  const auto file = server_->bucket_dir() / "deep" / "segments.json";
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << R"({"segments": )" << nested_arrays(kAttackDepth) << "}";
  server_->post("/v1/tasks", {{"task_name", "wservice.generate_subtitle_files"},
                              {"task_id", "deep-segments"},
                              {"input_data", {{"segments_file", "deep/segments.json"}}}});
  const json done = server_->wait_for_task("deep-segments", 60);
  EXPECT_EQ(done["status"], "failed") << done.dump(2);
  EXPECT_NE(done.dump().find("json_too_deep"), std::string::npos) << done.dump(2);
}

}  // namespace
}  // namespace yv::test

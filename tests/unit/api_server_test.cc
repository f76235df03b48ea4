#include "http/api_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "core/error.h"
#include "http/localize.h"

namespace yv::http {
namespace {

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ApiServer>(ServerOptions{"127.0.0.1", 0});
    server_->bind();
    thread_ = std::thread([this] { server_->run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }
  std::unique_ptr<ApiServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ApiServerTest, RootSaysTheApiIsRunning) {
  auto res = client_->Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(res->body),
            nlohmann::json({{"message", "YiVideo AI Workflow Engine API is running."}}));
}

TEST_F(ApiServerTest, UnknownRouteIsJson404) {
  auto res = client_->Get("/v1/nothing-here");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  const auto body = nlohmann::json::parse(res->body);
  EXPECT_EQ(body["code"], "not_found");
  EXPECT_EQ(body["detail"], "no route GET /v1/nothing-here");
}

TEST_F(ApiServerTest, ChineseClientsGetChineseErrors) {
  auto res = client_->Get("/v1/nothing-here", {{"Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(nlohmann::json::parse(res->body)["detail"], "路径不存在: no route GET /v1/nothing-here");
  res = client_->Get("/v1/nothing-here", {{"Accept-Language", "en-GB,zh;q=0.5"}});
  EXPECT_EQ(nlohmann::json::parse(res->body)["detail"], "no route GET /v1/nothing-here");
}

TEST(Localize, ChineseSummaryLeadsUnlessTheDetailIsChineseAlready) {
  EXPECT_TRUE(prefers_chinese("zh"));
  EXPECT_TRUE(prefers_chinese(" ZH-tw ;q=1"));
  EXPECT_FALSE(prefers_chinese("en, zh"));
  EXPECT_FALSE(prefers_chinese(""));
  EXPECT_EQ(chinese_detail("workflow_not_found", "workflow x not found"),
            "工作流不存在: workflow x not found");
  EXPECT_EQ(chinese_detail("file_not_found", "文件不存在: a.mp4"), "文件不存在: a.mp4");
  EXPECT_EQ(chinese_detail("some_new_code", "as is"), "as is");
  EXPECT_EQ(chinese_detail("disk_full", "no room"), "服务器磁盘空间不足: no room");
  EXPECT_EQ(chinese_detail("media_too_long", "7 h"), "媒体时长超过上限: 7 h");
}

// Every error code in the sources, thrown (Error("code", ...)) or refused by the connection layer
// (Refusal{status, "code", ...}, refuse(c, {status, "code", ...})), has a Chinese summary: a code added
// without one fails here.
TEST(Localize, EveryErrorCodeInTheSourcesHasAChineseSummary) {
  const std::regex thrown(
      R"re((?:\bError\s*\(|\bRefusal\s*\{|\brefuse\(c,\s*\{)\s*(?:\d{3}\s*,\s*)?"([a-z][a-z_]*)")re");
  std::set<std::string> codes;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(YIVIDEO_SOURCE_DIR)) {
    const auto ext = entry.path().extension();
    if (ext != ".cc" && ext != ".h") continue;
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    for (std::sregex_iterator it(text.begin(), text.end(), thrown), end; it != end; ++it)
      codes.insert((*it)[1]);
  }
  EXPECT_GT(codes.size(), 50u) << "the pattern no longer finds the codes";
  for (const std::string& code : codes) EXPECT_NE(chinese_detail(code, "d"), "d") << code;
}

TEST(ApiServerBind, TakenPortIsAClearError) {
  ApiServer first(ServerOptions{"127.0.0.1", 0});
  first.bind();
  ApiServer second(ServerOptions{"127.0.0.1", first.port()});
  try {
    second.bind();
    FAIL() << "second bind succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "bind_failed");
  }
}

}  // namespace
}  // namespace yv::http

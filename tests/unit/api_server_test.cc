#include "http/api_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
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

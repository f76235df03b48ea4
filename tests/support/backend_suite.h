// A live server for each state backend that a parameterised suite runs on (its parameter: "sqlite", or
// "redis" on a real redis-server started for the suite), started by the suite's first test on that backend
// and shared by the rest: a server start costs seconds, the tests' own work often less.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "support/live_server.h"
#include "support/redis_server.h"

namespace yv::test {

class BackendSuite : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() {
    servers_.clear();
    redis_.reset();
  }
  // The server of this test's backend, started as `name`-<backend> with `options` if it is not running yet.
  static LiveServer& server_for(const std::string& name, LiveServer::Options options) {
    const std::string backend = GetParam();
    auto& server = servers_[backend];
    if (!server) {
      if (backend == "redis") {
        if (!redis_) redis_ = std::make_unique<RedisServer>();
        options.backend = redis_->url();
      }
      server = std::make_unique<LiveServer>(name + "-" + backend, std::move(options));
    }
    return *server;
  }

 private:
  static inline std::map<std::string, std::unique_ptr<LiveServer>> servers_;
  static inline std::unique_ptr<RedisServer> redis_;
};

}  // namespace yv::test

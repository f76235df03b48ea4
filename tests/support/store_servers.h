// One live server per object store backend for a parameterised suite: "local" (files under the server's data
// directory) or "s3" (a moto server started on first use), each started once and kept for the suite's tests.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/live_server.h"
#include "support/moto_server.h"

namespace yv::test {

class StoreServers {
 public:
  // The server of `backend`, started with `env` (and, for "s3", the moto store's settings and `s3_env`).
  LiveServer& get(const std::string& backend, const std::string& name, std::vector<std::string> env,
                  const std::vector<std::string>& s3_env) {
    auto& server = servers_[backend];
    if (!server) {
      if (backend == "s3") {
        if (!moto_) moto_ = std::make_unique<MotoServer>();
        const auto store = moto_->store_env();
        env.insert(env.end(), store.begin(), store.end());
        env.insert(env.end(), s3_env.begin(), s3_env.end());
      }
      server = std::make_unique<LiveServer>(
          name + "-" + backend, LiveServer::Options{.workers = 0, .lease_seconds = 0, .env = env});
    }
    return *server;
  }
  // The moto server; REQUIRES: an "s3" server was started.
  const MotoServer& moto() const { return *moto_; }
  // Stops every server (servers first: they use the store).
  void clear() {
    servers_.clear();
    moto_.reset();
  }

 private:
  std::unique_ptr<MotoServer> moto_;
  std::map<std::string, std::unique_ptr<LiveServer>> servers_;
};

}  // namespace yv::test

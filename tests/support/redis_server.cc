#include "support/redis_server.h"

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "store/redis/redis_client.h"
#include "support/fixtures.h"

namespace yv::test {

RedisServer::RedisServer(std::string also_bind)
    : also_bind_(std::move(also_bind)), dir_(scratch_path("yivideo-redis")), port_(free_port()) {
  url_ = url("127.0.0.1");
  std::filesystem::create_directories(dir_);
  start();
}

RedisServer::~RedisServer() {
  process_.reset();
  std::filesystem::remove_all(dir_);
}

void RedisServer::start() {
  // appendfsync always: every acknowledged write is on disk, so a kill -9 loses nothing acknowledged.
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind",
                               also_bind_.empty() ? "127.0.0.1" : "127.0.0.1 " + also_bind_, "--requirepass",
                               password_, "--dir", dir_, "--appendonly", "yes", "--appendfsync", "always",
                               "--save", ""},
      std::vector<std::string>{}, dir_ + "/redis.log");
  for (int i = 0; i < 200; ++i) {
    try {
      store::redis::Client probe(url_);
      probe.command({"PING"});
      return;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  throw std::runtime_error("redis-server did not start on port " + std::to_string(port_));
}

void RedisServer::kill() { process_->stop(SIGKILL); }

void RedisServer::pause() { ::kill(process_->pid(), SIGSTOP); }

void RedisServer::resume() { ::kill(process_->pid(), SIGCONT); }

void RedisServer::restart() {
  kill();
  start();
}

}  // namespace yv::test

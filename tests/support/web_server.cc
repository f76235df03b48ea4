#include "support/web_server.h"

#include <gtest/gtest.h>

#include <chrono>

namespace yv::test {

WebServer::~WebServer() {
  stop();
  if (thread_.joinable()) thread_.join();
}

int WebServer::start(int port) {
  port_ = port == 0 ? bind_to_any_port("127.0.0.1") : (bind_to_port("127.0.0.1", port) ? port : -1);
  if (port_ < 0) {
    ADD_FAILURE() << "the test's web server cannot listen on port " << port;
    return port_;
  }
  thread_ = std::thread([this] { listen_after_bind(); });
  while (!is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return port_;
}

}  // namespace yv::test

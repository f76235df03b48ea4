// A real Redis for the tests: redis-server (Debian package) on a free loopback port with AOF on and a
// password (as production runs it), in its own directory, for the life of the object; restartable on the same
// data (to test recovery).
#pragma once

#include <memory>
#include <string>

#include "support/subprocess.h"

namespace yv::test {

class RedisServer {
 public:
  // Starts it, listening on loopback and `also_bind` (an address of a test network) when given, and waits
  // until it answers.
  explicit RedisServer(std::string also_bind = {});
  ~RedisServer();
  // "redis://:<password>@127.0.0.1:<port>"
  const std::string& url() const { return url_; }
  // The same on another of its addresses.
  std::string url(const std::string& host) const {
    return "redis://:" + password_ + "@" + host + ":" + std::to_string(port_);
  }
  int port() const { return port_; }
  // Its URL through another loopback port (a test::TcpProxy in front of port()).
  std::string url_through(int port) const {
    return "redis://:" + password_ + "@127.0.0.1:" + std::to_string(port);
  }
  // Stops it (SIGKILL: nothing flushed beyond what AOF already wrote) and starts it again on the same files.
  void restart();
  // The two halves of restart(), for an outage that lasts.
  void kill();
  void start();
  // SIGSTOP and SIGCONT: a Redis that keeps its connections open but answers nothing (a host gone silent).
  void pause();
  void resume();

 private:
  std::string also_bind_;
  std::string password_ = "yivideo-test-secret";
  std::string dir_;
  int port_ = 0;
  std::string url_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace yv::test

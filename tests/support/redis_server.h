// A real Redis for the tests: redis-server (Debian package) on a free loopback port with AOF on, in its own
// directory, for the life of the object; restartable on the same data (to test recovery).
#pragma once

#include <memory>
#include <string>

#include "support/subprocess.h"

namespace yv::test {

class RedisServer {
 public:
  RedisServer();  // starts it and waits until it answers
  ~RedisServer();
  // "redis://127.0.0.1:<port>"
  const std::string& url() const { return url_; }
  // Stops it (SIGKILL: nothing flushed beyond what AOF already wrote) and starts it again on the same files.
  void restart();

 private:
  void start();
  std::string dir_;
  int port_ = 0;
  std::string url_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace yv::test

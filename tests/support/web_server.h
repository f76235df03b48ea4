// A web server on loopback for the far side of what the server under test sends out (callbacks) or fetches
// (input URLs). Routes are registered on it as on any httplib::Server, before start(); it serves them from a
// thread of its own until it is destroyed.
#pragma once

#include <httplib.h>

#include <string>
#include <thread>

namespace yv::test {

class WebServer : public httplib::Server {
 public:
  WebServer() = default;
  ~WebServer() override;  // stops serving and waits for its thread (and the handlers running on it)
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Listens on 127.0.0.1:port (0: a free port) and returns once connections are accepted; the port. A port
  // that cannot be bound fails the test.
  int start(int port = 0);
  int port() const { return port_; }
  // "http://<host>:<port><path>": host may be any name that leads to loopback.
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return "http://" + host + ":" + std::to_string(port_) + path;
  }

 private:
  std::thread thread_;
  int port_ = 0;
};

}  // namespace yv::test

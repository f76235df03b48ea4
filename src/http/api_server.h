// The HTTP API gateway (`yivideo serve`).
//
// Owns the cpp-httplib server and the route table. Every answer is JSON; every failure is
// {"detail": "...", "code": "..."} with the status of the yv::Error behind it, so clients never see an HTML
// error page or a bare 500 for something they sent. Routes beyond `GET /` arrive with the workflow engine.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "http/router.h"

namespace httplib {
class Server;
}

namespace yv::http {

struct ServerOptions {
  std::string host =
      "127.0.0.1";  // loopback unless the operator opts in to exposure (e.g. 0.0.0.0 in a container)
  int port = 8000;  // 0 picks a free port; see ApiServer::port()
  size_t max_body_bytes = 1 << 20;  // larger JSON bodies are refused with 413 payload_too_large
  uint64_t max_upload_bytes = uint64_t(10) << 30;  // the same for uploads (streaming routes)
  size_t threads = 64;                             // connections served at once
};

class ApiServer {
 public:
  // add_routes registers the routes beyond GET / (tasks, workflows, ...) in the route table.
  explicit ApiServer(ServerOptions options, const std::function<void(Router&)>& add_routes = nullptr);
  ~ApiServer();

  // Binds the listening socket. Throws yv::Error "bind_failed" (503) when the address is taken or invalid.
  void bind();
  // Serves requests until stop() is called. REQUIRES: bind() succeeded.
  void run();
  // Thread-safe; makes run() return.
  void stop();
  // The bound port (the chosen one when the options asked for port 0). REQUIRES: bind() succeeded.
  int port() const { return port_; }

 private:
  ServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<Router> router_;
  int port_ = 0;
  int listener_ = -1;  // the listening socket, as httplib opened it
};

}  // namespace yv::http

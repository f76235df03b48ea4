// The HTTP API gateway (`yivideo serve`).
//
// Owns the listening socket, the connection loop (connection_loop.h: deadlines, caps, strict framing) and the
// route table; cpp-httplib reads each admitted request, routes it and writes the answer. Every answer is
// JSON; every failure is {"detail": "...", "code": "..."} with the status of the yv::Error behind it, so
// clients never see an HTML error page or a bare 500 for something they sent. Routes beyond `GET /` arrive
// with the workflow engine.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "http/auth_access.h"
#include "http/connection_loop.h"
#include "http/cors.h"
#include "http/router.h"

namespace yv::http {

class RoutedServer;

struct ServerOptions {
  std::string host =
      "127.0.0.1";  // loopback unless the operator opts in to exposure (e.g. 0.0.0.0 in a container)
  int port = 8000;  // 0 picks a free port; see ApiServer::port()
  size_t max_body_bytes = 1 << 20;  // larger JSON bodies are refused with 413 payload_too_large
  uint64_t max_upload_bytes = uint64_t(10) << 30;  // the same for uploads (streaming routes)
  size_t threads = 64;                             // requests served at once (idle connections cost none)
  ConnectionLimits limits;
  // Host names (beyond localhost and loopback addresses) that a server listening on loopback answers to;
  // other Host headers get 421. A server on another address answers any Host.
  std::vector<std::string> allowed_hosts;
  // Origins whose web pages may call the API (http/cors.h).
  std::vector<std::string> cors_origins;
  // API keys (http/auth_access.h); null: none, every route is open.
  std::shared_ptr<auth::AccessControl> access;

  // These options with YIVIDEO_ALLOWED_HOSTS (comma-separated names), YIVIDEO_CORS_ORIGINS (the same),
  // YIVIDEO_MAX_UPLOAD_BYTES,
  // YIVIDEO_MAX_CONNECTIONS, YIVIDEO_MAX_CONNECTIONS_PER_CLIENT, YIVIDEO_MAX_TRANSFERS_PER_CLIENT and
  // YIVIDEO_MAX_EVENT_STREAMS applied.
  // Throws yv::Error "invalid_config" for a malformed number or a CORS origin of "*".
  ServerOptions with_environment() const;
};

class ApiServer : private RequestHandler {
 public:
  // add_routes registers the routes beyond GET / (tasks, workflows, ...) in the route table.
  explicit ApiServer(ServerOptions options, const std::function<void(Router&)>& add_routes = nullptr);
  ~ApiServer();

  // Binds the listening socket. Throws yv::Error "bind_failed" (503) when the address is taken or invalid.
  void bind();
  // Serves requests until stop() is called. REQUIRES: bind() succeeded.
  void run();
  // Thread-safe; makes run() return (at once if it has not started). REQUIRES: bind() succeeded.
  void stop();
  // The bound port (the chosen one when the options asked for port 0). REQUIRES: bind() succeeded.
  int port() const { return port_; }

 private:
  std::variant<Refusal, Admission> admit(const RequestHead& head) override;
  bool serve(RequestStream& stream, bool close) override;

  ServerOptions options_;
  std::unique_ptr<RoutedServer> server_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<ConnectionLoop> loop_;
  Cors cors_;
  bool on_loopback_ = false;
  int port_ = 0;
};

}  // namespace yv::http

#include "http/api_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/json_io.h"

namespace yv::http {
namespace {

// Code and message for the statuses httplib produces itself (unknown route, malformed request, ...).
std::pair<std::string, std::string> describe_status(int status) {
  switch (status) {
    case 404:
      return {"not_found", "Not Found"};
    case 405:
      return {"method_not_allowed", "Method Not Allowed"};
    case 413:
      return {"payload_too_large", "Payload Too Large"};
    case 414:
      return {"uri_too_long", "URI Too Long"};
    case 416:
      return {"range_not_satisfiable", "Range Not Satisfiable"};
    default:
      if (status >= 500) return {"internal_error", "Internal Server Error"};
      return {"bad_request", "Bad Request"};
  }
}

}  // namespace

ApiServer::ApiServer(ServerOptions options, const std::function<void(Router&)>& add_routes)
    : options_(std::move(options)),
      server_(std::make_unique<httplib::Server>()),
      router_(std::make_unique<Router>(*server_)) {
  server_->set_payload_max_length(std::max<uint64_t>(options_.max_body_bytes, options_.max_upload_bytes));
  // Bodies are limited before they are read: JSON routes take small bodies of known length (a chunked body
  // would otherwise be read without bound); only streaming routes take large ones.
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    const bool streaming = router_->is_streaming(req.path);
    const uint64_t limit = streaming ? options_.max_upload_bytes : options_.max_body_bytes;
    if (!streaming && req.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos) {
      send_error(req, res, 411, "length_required", "send the body with a Content-Length");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.has_header("Content-Length") &&
        std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > limit) {
      send_error(req, res, 413, "payload_too_large",
                 "the body is larger than the limit of " + std::to_string(limit) + " bytes");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  router_->add({"GET", "/", "health", "Liveness", {}, nullptr, {{"200", "The API is running"}}},
               [](const httplib::Request&, httplib::Response& res) {
                 send_json(res, 200, {{"message", "YiVideo AI Workflow Engine API is running."}});
               });
  if (add_routes) add_routes(*router_);

  // Statuses set by httplib or by a handler without a body get the JSON error shape too.
  server_->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty() || res.status == 416) return;  // 416: see the download route
    auto [code, detail] = describe_status(res.status);
    if (res.status == 404) detail = "no route " + req.method + " " + req.path;
    send_error(req, res, res.status, code, detail);
  });
  server_->set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        try {
          std::rethrow_exception(ep);
        } catch (const Error& e) {
          send_error(req, res, e.http_status(), e.code(), e.detail());
        } catch (const std::exception& e) {
          spdlog::error("{} {}: {}", req.method, req.path, e.what());
          send_error(req, res, 500, "internal_error", "internal error; the server log has the details");
        }
      });
  // httplib's default also sets SO_REUSEPORT, which would let a second server share our port and take half of
  // its requests; plain SO_REUSEADDR allows quick restarts without that.
  server_->set_socket_options([this](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listener_ = sock;  // the last socket offered is the one that binds
  });
  // Without TCP_NODELAY, httplib's separate writes of headers and body meet the client's delayed ACK: every
  // answer would wait 40 ms. Keep-alive connections serve many requests (httplib's default closes after 5).
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(1000);
  // Status polling is the bulk of the traffic; successful reads are logged only at debug level.
  server_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    const bool routine = (req.method == "GET" || req.method == "HEAD") && res.status < 400;
    spdlog::log(routine ? spdlog::level::debug : spdlog::level::info, "{} {} -> {}", req.method, req.path,
                res.status);
  });
  // Each keep-alive connection holds a thread while open, so the pool is sized for many polling clients.
  const size_t threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
}

ApiServer::~ApiServer() = default;

void ApiServer::bind() {
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    port_ = options_.port;
  }
  if (port_ <= 0) {
    throw Error("bind_failed",
                "cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                    " (address in use or not available)",
                503);
  }
  // The packaged httplib listens with a backlog of 5: clients connecting together (pollers reconnecting,
  // keep-alive connections closed at their request count) overflowed it, and a dropped SYN costs the client
  // a one-second retransmission. listen() again on a listening socket only changes its backlog.
  ::listen(listener_, SOMAXCONN);
}

void ApiServer::run() { server_->listen_after_bind(); }

void ApiServer::stop() { server_->stop(); }

}  // namespace yv::http

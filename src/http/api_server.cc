#include "http/api_server.h"

#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"
#include "http/json_io.h"

namespace yv::http {

// httplib's request handling (parsing, routing, multipart bodies, ranges, writing answers) on connections
// that the connection loop owns; httplib's own accept loop is never started.
class RoutedServer : public httplib::Server {
 public:
  using httplib::Server::process_request;
  // httplib aborts a streamed answer once this is invalid: set while serving, cleared by stop().
  void set_serving(bool serving) { svr_sock_ = serving ? 0 : INVALID_SOCKET; }
};

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

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// JSON bodies are read only as JSON: a form or text/plain body is what a web page can send cross-site
// without asking (no CORS preflight), so accepting it would let any page drive a server on 127.0.0.1.
bool is_json_media_type(std::string_view type) {
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  std::string lower(type);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  return lower == "application/json" || (lower.starts_with("application/") && lower.ends_with("+json"));
}

size_t env_size(const char* name, size_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (*end != '\0' || n == 0) throw Error("invalid_config", std::string(name) + " must be a positive number");
  return size_t(n);
}

// The listening socket for host:port (port 0: any free one), with the kernel's full backlog.
int listen_on(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    // Plain SO_REUSEADDR allows quick restarts; SO_REUSEPORT (httplib's default) would let a second server
    // share our port and take half of its requests.
    const int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

std::vector<std::string> env_list(const char* name) {
  std::vector<std::string> items;
  if (const char* text = std::getenv(name)) {
    std::stringstream list(text);
    for (std::string item; std::getline(list, item, ',');) {
      if (!item.empty()) items.push_back(item);
    }
  }
  return items;
}

}  // namespace

ServerOptions ServerOptions::with_environment() const {
  ServerOptions o = *this;
  for (auto& host : env_list("YIVIDEO_ALLOWED_HOSTS")) o.allowed_hosts.push_back(std::move(host));
  for (auto& origin : env_list("YIVIDEO_CORS_ORIGINS")) {
    if (origin == "*") throw Error("invalid_config", "YIVIDEO_CORS_ORIGINS lists origins; \"*\" is not one");
    o.cors_origins.push_back(std::move(origin));
  }
  o.limits.max_connections = env_size("YIVIDEO_MAX_CONNECTIONS", o.limits.max_connections);
  o.limits.max_per_client = env_size("YIVIDEO_MAX_CONNECTIONS_PER_CLIENT", o.limits.max_per_client);
  o.limits.max_transfers_per_client =
      env_size("YIVIDEO_MAX_TRANSFERS_PER_CLIENT", o.limits.max_transfers_per_client);
  o.max_upload_bytes = env_size("YIVIDEO_MAX_UPLOAD_BYTES", o.max_upload_bytes);
  o.limits.max_streams = env_size("YIVIDEO_MAX_EVENT_STREAMS", o.limits.max_streams);
  return o;
}

ApiServer::ApiServer(ServerOptions options, const std::function<void(Router&)>& add_routes)
    : options_(std::move(options)),
      server_(std::make_unique<RoutedServer>()),
      router_(std::make_unique<Router>(*server_)),
      cors_(options_.cors_origins),
      on_loopback_(is_loopback_host(options_.host)) {
  options_.allowed_hosts.push_back(options_.host);
  // The connection loop has checked each body's length against the limits before httplib reads it.
  server_->set_payload_max_length(std::max<uint64_t>(options_.max_body_bytes, options_.max_upload_bytes));
  router_->add({"GET",
                "/",
                "health",
                "Liveness",
                {},
                nullptr,
                {{"200", {{"description", "The API is running"}, {"schema", "Message"}}},
                 {"303", "A browser (Accept: text/html) is sent to the web studio, /studio/"}}},
               [](const httplib::Request& req, httplib::Response& res) {
                 // Clients of the API (curl, SDKs) keep the contract's answer; a person gets the studio.
                 if (req.get_header_value("Accept").find("text/html") != std::string::npos)
                   return res.set_redirect("/studio/", 303);
                 send_json(res, 200, {{"message", "YiVideo AI Workflow Engine API is running."}});
               });
  if (add_routes) add_routes(*router_);
  if (options_.access) router_->set_guard(options_.access.get());
  // OPTIONS tells which methods a path has (RFC 9110 9.3.7); a CORS preflight gets the CORS answer too (only
  // those of listed origins get this far: admit()).
  server_->Options(".*", [this](const httplib::Request& req, httplib::Response& res) {
    std::vector<std::string> allowed = router_->allowed_methods(req.path);
    if (allowed.empty()) return send_error(req, res, 404, "not_found", "no route OPTIONS " + req.path);
    if (req.has_header("Origin") && req.has_header("Access-Control-Request-Method")) {
      for (const auto& [name, value] : cors_.preflight_headers(req.get_header_value("Origin"), allowed))
        res.set_header(name, value);
    }
    allowed.push_back("OPTIONS");
    res.set_header("Allow", joined(allowed));
    res.status = 204;
  });

  // Statuses set by httplib or by a handler without a body get the JSON error shape too.
  server_->set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty() || res.status == 416) return;  // 416: see the download route
    if (res.status == 404) {
      // A path that exists under other methods is 405, with the methods it has.
      if (const auto allowed = router_->allowed_methods(req.path); !allowed.empty()) {
        res.set_header("Allow", joined(allowed));
        return send_error(
            req, res, 405, "method_not_allowed",
            req.method + " is not served on " + req.path + " (allowed: " + joined(allowed) + ")");
      }
    }
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
  // Answers are data, never pages to render or frame: the docs page alone sets a policy of its own.
  server_->set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}});
  server_->set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.has_header("Content-Security-Policy"))
      res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    if (req.has_header("Origin") && !res.has_header("Access-Control-Allow-Origin")) {
      for (const auto& [name, value] : cors_.answer_headers(req.get_header_value("Origin")))
        res.set_header(name, value);
    }
  });
  // What httplib advertises in Keep-Alive; the connection loop enforces both.
  server_->set_keep_alive_max_count(options_.limits.max_requests_per_connection);
  server_->set_keep_alive_timeout(time_t(options_.limits.idle_seconds));
  // Status polling is the bulk of the traffic; successful reads are logged only at debug level.
  server_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    const bool routine = (req.method == "GET" || req.method == "HEAD") && res.status < 400;
    spdlog::log(routine ? spdlog::level::debug : spdlog::level::info, "{} {} -> {}", req.method, req.path,
                res.status);
  });
}

ApiServer::~ApiServer() = default;

void ApiServer::bind() {
  const int listener = listen_on(options_.host, options_.port);
  if (listener < 0) {
    throw Error("bind_failed",
                "cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                    " (address in use or not available)",
                503);
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(listener, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                            : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  loop_ = std::make_unique<ConnectionLoop>(listener, static_cast<RequestHandler&>(*this), options_.limits,
                                           options_.threads);
}

void ApiServer::run() {
  server_->set_serving(true);
  loop_->run();
}

void ApiServer::stop() {
  server_->set_serving(false);
  loop_->stop();
}

std::variant<Refusal, Admission> ApiServer::admit(const RequestHead& head) {
  if (on_loopback_) {
    const auto host = head.header("Host");
    if (host && !is_allowed_host(*host, options_.allowed_hosts))
      return Refusal{421, "host_not_allowed",
                     "this server answers to localhost; set YIVIDEO_ALLOWED_HOSTS to add names"};
  }
  const std::string& m = head.method;
  if (m == "OPTIONS" && head.header("Origin") && head.header("Access-Control-Request-Method")) {
    if (!cors_.allowed(head.header("Origin")))
      return Refusal{403, "cors_origin_not_allowed",
                     "this origin may not call the API (the server's YIVIDEO_CORS_ORIGINS)"};
    if (router_->allowed_methods(head.path).empty())
      return Refusal{404, "not_found", "no route " + head.path, cors_.answer_headers(head.header("Origin"))};
    return Admission{Admission::Body::kBuffered, false};  // the OPTIONS handler answers it
  }
  if (m != "GET" && m != "HEAD" && m != "POST" && m != "DELETE" && m != "OPTIONS") {
    const auto allowed = router_->allowed_methods(head.path);
    if (allowed.empty()) return Refusal{404, "not_found", "no route " + m + " " + head.path};
    return Refusal{405,
                   "method_not_allowed",
                   m + " is not served on " + head.path + " (allowed: " + joined(allowed) + ")",
                   {{"Allow", joined(allowed)}}};
  }
  const uint64_t length = head.content_length.value_or(0);
  const bool transfer = router_->is_transfer(m, head.path);
  if (options_.access) {
    if (auto refused = options_.access->admit(head, transfer)) {
      for (auto& header : cors_.answer_headers(head.header("Origin"))) refused->headers.push_back(header);
      return *refused;
    }
  }
  if (m == "POST" && transfer) {
    if (length > options_.max_upload_bytes)
      return Refusal{
          413, "payload_too_large",
          "the body is larger than the limit of " + std::to_string(options_.max_upload_bytes) + " bytes"};
    return Admission{Admission::Body::kStreamed, true};
  }
  // JSON routes take small bodies of known length: a chunked one could only be bounded after reading it.
  if (head.chunked) return Refusal{411, "length_required", "send the body with a Content-Length"};
  if (length > options_.max_body_bytes)
    return Refusal{
        413, "payload_too_large",
        "the body is larger than the limit of " + std::to_string(options_.max_body_bytes) + " bytes"};
  if (length > 0 && !is_json_media_type(head.header("Content-Type").value_or("")))
    return Refusal{415, "unsupported_media_type", "send the body as Content-Type: application/json"};
  return Admission{Admission::Body::kBuffered, transfer, router_->is_stream(m, head.path)};
}

bool ApiServer::serve(RequestStream& stream, bool close) {
  bool closed = false;
  const bool answered = server_->process_request(stream, close, closed, nullptr);
  return answered && !closed;
}

}  // namespace yv::http

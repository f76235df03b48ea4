// The route table: every route is registered here with its documentation, so the OpenAPI document
// (http/openapi.h) is generated from the same list the server dispatches on and cannot drift from it.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

namespace httplib {
class Server;
class ContentReader;
struct Request;
struct Response;
}  // namespace httplib

namespace yv::http {

struct QueryParam {
  std::string name;
  std::string
      type;  // an OpenAPI type ("string", "integer"), or a whole JSON schema written as text ("{...}")
  std::string description;
};

struct RouteDoc {
  std::string method;  // GET (which also answers HEAD), POST, DELETE
  std::string path;    // OpenAPI style: /v1/workflows/status/{workflow_id}
  std::string tag;     // group in the docs: workflows, tasks, files, ...
  std::string summary;
  std::vector<QueryParam> query;
  nlohmann::json request_body;  // JSON schema of the body; null: none
  // {"<status>": "description"}, or {"<status>": {"description", "schema" (a component name or a JSON schema
  // of a JSON body), "content_type" (other media types, one or a list)}}; each route lists its errors too.
  nlohmann::json responses;
};

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
// A handler that reads the body itself, as it arrives (uploads), instead of receiving it whole.
using StreamingHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const httplib::ContentReader&)>;

// Checks around every handler, installed when API keys are on (http/auth_access.h). before() runs once the
// body is read (streaming routes: before it is read) and refuses by throwing yv::Error; after() sees each
// answer, to record what it created.
class RouteGuard {
 public:
  virtual ~RouteGuard() = default;
  virtual void before(const RouteDoc& route, const httplib::Request& req) = 0;
  virtual void after(const RouteDoc& route, const httplib::Request& req, httplib::Response& res) = 0;
  // Asked by a route that stores an object under a name the client chose, before it commits the object.
  virtual void check_object_write(const httplib::Request& req, const std::string& bucket,
                                  const std::string& key) = 0;
};

class Router {
 public:
  // REQUIRES: server outlives the router.
  explicit Router(httplib::Server& server) : server_(server) {}

  // Registers `handler` for doc.method and doc.path; {name} path parameters match one segment each, except
  // {file_path}, which matches the rest of the path (object keys contain '/'); they reach the handler as
  // req.matches[1], [2], ...
  void add(RouteDoc doc, Handler handler);
  // The same for a POST route whose handler streams the body. Such routes alone may receive bodies larger
  // than the JSON limit (ServerOptions::max_body_bytes).
  void add_streaming(RouteDoc doc, StreamingHandler handler);
  // The same as add() for a GET route whose answers are files (downloads).
  void add_download(RouteDoc doc, Handler handler);
  // The same as add() for a GET route whose answers are event streams, open for as long as what they follow.
  void add_stream(RouteDoc doc, Handler handler);
  // Whether the request is for an event stream route (connection_loop.h).
  bool is_stream(const std::string& method, const std::string& path) const;
  // Whether the request is a file transfer (connection_loop.h): a POST to a streaming route, or a GET or HEAD
  // of a download route.
  bool is_transfer(const std::string& method, const std::string& path) const;
  // The methods some route answers on `path` (GET implies HEAD), for 405's Allow header; empty for a path no
  // route has. Matches every route's pattern: meant for requests that were not routed, not for every one.
  std::vector<std::string> allowed_methods(const std::string& path) const;
  const std::vector<RouteDoc>& routes() const { return routes_; }
  // Puts `guard` around every route's handler (those added before and after). REQUIRES: set before serving;
  // guard outlives the router.
  void set_guard(RouteGuard* guard) { guard_ = guard; }
  // RouteGuard::check_object_write of the guard, when there is one.
  void check_object_write(const httplib::Request& req, const std::string& bucket,
                          const std::string& key) const {
    if (guard_) guard_->check_object_write(req, bucket, key);
  }

 private:
  // Runs `handle` (route `index`'s handler) between the guard's checks, when there is a guard.
  void run_guarded(size_t index, const httplib::Request& req, httplib::Response& res,
                   const std::function<void()>& handle) const;

  httplib::Server& server_;
  RouteGuard* guard_ = nullptr;
  std::vector<RouteDoc> routes_;
  std::vector<std::pair<std::string, std::regex>> patterns_;  // (method, compiled path) of each route
  // Compiled once: is_transfer() runs for every request.
  std::vector<std::regex> streaming_patterns_, download_patterns_, stream_patterns_;
};

}  // namespace yv::http

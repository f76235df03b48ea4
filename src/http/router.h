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
  // Whether the request is a file transfer (connection_loop.h): a POST to a streaming route, or a GET or HEAD
  // of a download route.
  bool is_transfer(const std::string& method, const std::string& path) const;
  // The methods some route answers on `path` (GET implies HEAD), for 405's Allow header; empty for a path no
  // route has. Matches every route's pattern: meant for requests that were not routed, not for every one.
  std::vector<std::string> allowed_methods(const std::string& path) const;
  const std::vector<RouteDoc>& routes() const { return routes_; }

 private:
  httplib::Server& server_;
  std::vector<RouteDoc> routes_;
  std::vector<std::pair<std::string, std::regex>> patterns_;  // (method, compiled path) of each route
  // Compiled once: is_transfer() runs for every request.
  std::vector<std::regex> streaming_patterns_, download_patterns_;
};

}  // namespace yv::http

#include "http/router.h"

#include <httplib.h>

#include <algorithm>
#include <regex>
#include <stdexcept>

namespace yv::http {

namespace {

// "{file_path}" captures the rest of the path, any other "{name}" one segment; the rest matches literally.
std::string pattern_of(const std::string& path) {
  const std::string greedy = std::regex_replace(path, std::regex(R"(\{file_path\})"), "(.+)");
  return std::regex_replace(greedy, std::regex(R"(\{[a-z_]+\})"), "([^/]+)");
}

}  // namespace

void Router::run_guarded(size_t index, const httplib::Request& req, httplib::Response& res,
                         const std::function<void()>& handle) const {
  // By index: routes_ may still grow (and move) while routes are added, never once requests are served.
  if (guard_) guard_->before(routes_[index], req);
  handle();
  if (guard_) guard_->after(routes_[index], req, res);
}

void Router::add_streaming(RouteDoc doc, StreamingHandler handler) {
  if (doc.method != "POST") throw std::logic_error("streaming routes are POST routes");
  const std::string pattern = pattern_of(doc.path);
  server_.Post(pattern, [this, index = routes_.size(), handler = std::move(handler)](
                            const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader) {
    run_guarded(index, req, res, [&] { handler(req, res, reader); });
  });
  streaming_patterns_.emplace_back(pattern);
  patterns_.emplace_back(doc.method, pattern);
  routes_.push_back(std::move(doc));
}

void Router::add_download(RouteDoc doc, Handler handler) {
  if (doc.method != "GET") throw std::logic_error("download routes are GET routes");
  download_patterns_.emplace_back(pattern_of(doc.path));
  add(std::move(doc), std::move(handler));
}

void Router::add_stream(RouteDoc doc, Handler handler) {
  if (doc.method != "GET") throw std::logic_error("event stream routes are GET routes");
  stream_patterns_.emplace_back(pattern_of(doc.path));
  add(std::move(doc), std::move(handler));
}

bool Router::is_stream(const std::string& method, const std::string& path) const {
  return method == "GET" && std::any_of(stream_patterns_.begin(), stream_patterns_.end(),
                                        [&](const std::regex& p) { return std::regex_match(path, p); });
}

bool Router::is_transfer(const std::string& method, const std::string& path) const {
  const auto matches = [&](const std::vector<std::regex>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::regex& p) { return std::regex_match(path, p); });
  };
  if (method == "POST") return matches(streaming_patterns_);
  return (method == "GET" || method == "HEAD") && matches(download_patterns_);
}

void Router::add(RouteDoc doc, Handler plain) {
  const std::string pattern = pattern_of(doc.path);
  const Handler handler = [this, index = routes_.size(), plain = std::move(plain)](
                              const httplib::Request& req, httplib::Response& res) {
    run_guarded(index, req, res, [&] { plain(req, res); });
  };
  if (doc.method == "GET") {
    server_.Get(pattern, handler);
  } else if (doc.method == "POST") {
    server_.Post(pattern, handler);
  } else if (doc.method == "DELETE") {
    server_.Delete(pattern, handler);
  } else {
    throw std::logic_error("unsupported method " + doc.method);  // HEAD is served by the GET route
  }
  patterns_.emplace_back(doc.method, pattern);
  routes_.push_back(std::move(doc));
}

std::vector<std::string> Router::allowed_methods(const std::string& path) const {
  std::vector<std::string> methods;
  for (const auto& [method, pattern] : patterns_) {
    if (!std::regex_match(path, pattern)) continue;
    if (std::find(methods.begin(), methods.end(), method) == methods.end()) methods.push_back(method);
    if (method == "GET" && std::find(methods.begin(), methods.end(), "HEAD") == methods.end())
      methods.push_back("HEAD");
  }
  return methods;
}

}  // namespace yv::http

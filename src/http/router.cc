#include "http/router.h"

#include <httplib.h>

#include <regex>
#include <stdexcept>

namespace yv::http {

void Router::add(RouteDoc doc, Handler handler) {
  // "{name}" becomes a one-segment capture; the rest of the path is matched literally.
  const std::string pattern = std::regex_replace(doc.path, std::regex(R"(\{[a-z_]+\})"), "([^/]+)");
  if (doc.method == "GET") {
    server_.Get(pattern, handler);
  } else if (doc.method == "POST") {
    server_.Post(pattern, handler);
  } else if (doc.method == "DELETE") {
    server_.Delete(pattern, handler);
  } else {
    throw std::logic_error("unsupported method " + doc.method);  // HEAD is served by the GET route
  }
  routes_.push_back(std::move(doc));
}

}  // namespace yv::http

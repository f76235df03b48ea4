// Cross-origin requests from web pages (CORS), for the origins the operator lists in YIVIDEO_CORS_ORIGINS
// (comma-separated, e.g. https://app.example,http://localhost:3000; "*" is not accepted: it would hand
// every page's visitors' access to any page).
//
// Only the listed origins get Access-Control-Allow-Origin and an answer to their preflight; any other
// origin's preflight is refused (403), so the browser sends nothing further. Credentials are API keys in
// headers, never cookies, so Allow-Credentials is never sent.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yv::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class Cors {
 public:
  explicit Cors(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  // Whether a request with this Origin header (none: not cross-origin) is from a listed origin.
  bool allowed(std::optional<std::string_view> origin) const;
  // Headers of an answer to a listed origin's request: the origin itself, Vary, and the headers a script may
  // read. Empty for any other request.
  HeaderList answer_headers(std::optional<std::string_view> origin) const;
  // Headers of the answer (204) to a listed origin's preflight for a path served with `methods`.
  HeaderList preflight_headers(std::string_view origin, const std::vector<std::string>& methods) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace yv::http

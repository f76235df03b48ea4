#include "http/cors.h"

#include <algorithm>

namespace yv::http {

bool Cors::allowed(std::optional<std::string_view> origin) const {
  return origin && std::find(origins_.begin(), origins_.end(), *origin) != origins_.end();
}

HeaderList Cors::answer_headers(std::optional<std::string_view> origin) const {
  if (!allowed(origin)) return {};
  return {{"Access-Control-Allow-Origin", std::string(*origin)},
          {"Vary", "Origin"},
          {"Access-Control-Expose-Headers",
           "Retry-After, ETag, Content-Range, Content-Length, WWW-Authenticate"}};
}

HeaderList Cors::preflight_headers(std::string_view origin, const std::vector<std::string>& methods) const {
  std::string allow = "OPTIONS";
  for (const auto& m : methods) allow += ", " + m;
  HeaderList headers = answer_headers(origin);
  headers.emplace_back("Access-Control-Allow-Methods", allow);
  headers.emplace_back("Access-Control-Allow-Headers",
                       "Authorization, X-API-Key, Content-Type, Accept-Language, Range, If-None-Match");
  headers.emplace_back("Access-Control-Max-Age", "600");
  return headers;
}

}  // namespace yv::http

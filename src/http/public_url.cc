#include "http/public_url.h"

#include <httplib.h>

#include <cstdlib>

namespace yv::http {

std::string public_base(const httplib::Request& req) {
  const char* base = std::getenv("YIVIDEO_PUBLIC_URL");
  std::string url = base && *base ? base : "http://" + req.get_header_value("Host");
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace yv::http

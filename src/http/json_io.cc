#include "http/json_io.h"

#include <httplib.h>

#include "core/error.h"

namespace yv::http {

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  // Replace invalid UTF-8 (e.g. echoed from a hostile request) instead of throwing while answering.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& detail) {
  send_json(res, status, {{"detail", detail}, {"code", code}});
}

nlohmann::json parse_body(const httplib::Request& req) {
  try {
    return nlohmann::json::parse(req.body);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error("invalid_json", std::string("the body is not valid JSON: ") + e.what(), 400);
  }
}

}  // namespace yv::http

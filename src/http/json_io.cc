#include "http/json_io.h"

#include <httplib.h>

#include "core/error.h"
#include "core/json_util.h"
#include "http/localize.h"

namespace yv::http {

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(json_text(body), "application/json");
}

nlohmann::json error_body(const httplib::Request& req, const std::string& code, const std::string& detail) {
  const bool chinese = prefers_chinese(req.get_header_value("Accept-Language"));
  return {{"detail", chinese ? chinese_detail(code, detail) : detail}, {"code", code}};
}

void send_error(const httplib::Request& req, httplib::Response& res, int status, const std::string& code,
                const std::string& detail) {
  if (status == 429) res.set_header("Retry-After", kRetryAfterSeconds);
  send_json(res, status, error_body(req, code, detail));
}

nlohmann::json parse_body(const httplib::Request& req) {
  try {
    return parse_json_bounded(req.body, "the body");
  } catch (const nlohmann::json::parse_error& e) {
    throw Error("invalid_json", std::string("the body is not valid JSON: ") + e.what(), 400);
  }
}

}  // namespace yv::http

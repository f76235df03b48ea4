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

void send_error(const httplib::Request& req, httplib::Response& res, int status, const std::string& code,
                const std::string& detail) {
  const bool chinese = prefers_chinese(req.get_header_value("Accept-Language"));
  send_json(res, status, {{"detail", chinese ? chinese_detail(code, detail) : detail}, {"code", code}});
}

nlohmann::json parse_body(const httplib::Request& req) {
  // The parser itself is iterative, but what handlers do with a value (copy, compare, dump it) recurses once
  // per level: a body nested tens of thousands deep would overflow the handler thread's stack. It is cut off
  // while it is read, at the first array or object too deep.
  const nlohmann::json::parser_callback_t depth_guard = [](int depth, nlohmann::json::parse_event_t event,
                                                           nlohmann::json&) {
    const bool opens = event == nlohmann::json::parse_event_t::object_start ||
                       event == nlohmann::json::parse_event_t::array_start;
    if (opens && depth >= kMaxJsonDepth) {
      throw Error(
          "json_too_deep",
          "the body nests arrays and objects more than " + std::to_string(kMaxJsonDepth) + " levels deep",
          400);
    }
    return true;
  };
  try {
    return nlohmann::json::parse(req.body, depth_guard);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error("invalid_json", std::string("the body is not valid JSON: ") + e.what(), 400);
  }
}

}  // namespace yv::http

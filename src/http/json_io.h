// JSON in and out of HTTP handlers, in the one shape the API uses for errors: {"detail", "code"}.
#pragma once

#include <nlohmann/json.hpp>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace yv::http {

void send_json(httplib::Response& res, int status, const nlohmann::json& body);

// What a 429 answer's Retry-After says (RFC 6585). The limits behind a 429 (queued jobs, connections and
// transfers from one client) clear as work is done and transfers end, seconds rather than minutes.
inline constexpr const char* kRetryAfterSeconds = "5";

// {"detail", "code"}, the detail in Chinese when the request's Accept-Language asks for it (see localize.h).
nlohmann::json error_body(const httplib::Request& req, const std::string& code, const std::string& detail);

// The error body, in Chinese when the request's Accept-Language asks for it (see localize.h); a 429 carries
// Retry-After.
void send_error(const httplib::Request& req, httplib::Response& res, int status, const std::string& code,
                const std::string& detail);

// The request body as JSON. Throws yv::Error "invalid_json" (400), with the parser's position, when it is
// not, and "json_too_deep" (400) when it nests deeper than kMaxJsonDepth (core/json_util.h).
nlohmann::json parse_body(const httplib::Request& req);

}  // namespace yv::http

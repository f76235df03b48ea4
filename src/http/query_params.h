// Query parameters that are numbers, read strictly: "50" is 50, "5x", "" and "1e3" are errors, not guesses.
#pragma once

#include <cstdint>
#include <string>

namespace httplib {
struct Request;
}  // namespace httplib

namespace yv::http {

// The integer parameter `name`, `fallback` when absent. Throws yv::Error "invalid_request" (400) when it is
// not an integer within [min, max].
int int_param(const httplib::Request& req, const std::string& name, int fallback, int min, int max);
// The required parameter `name` as a count of bytes (digits only). Throws yv::Error "invalid_request" (400)
// when it is absent or not such a number.
uint64_t count_param(const httplib::Request& req, const std::string& name);

}  // namespace yv::http

#include "http/query_params.h"

#include <httplib.h>

#include "core/error.h"

namespace yv::http {

int int_param(const httplib::Request& req, const std::string& name, int fallback, int min, int max) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  try {
    size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == text.size() && value >= min && value <= max) return value;
  } catch (const std::exception&) {
  }
  throw Error("invalid_request",
              name + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max), 400);
}

uint64_t count_param(const httplib::Request& req, const std::string& name) {
  const std::string text = req.has_param(name) ? req.get_param_value(name) : "";
  if (!text.empty() && text.size() <= 19 && text.find_first_not_of("0123456789") == std::string::npos)
    return std::stoull(text);
  throw Error("invalid_request", name + " must be given as a whole number of bytes", 400);
}

}  // namespace yv::http

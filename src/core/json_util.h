// Small conversions between stored text and JSON values, shared by the state readers.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/ids.h"

namespace yv {

// The parsed JSON text, or null when there is none.
inline nlohmann::json json_or_null(const std::optional<std::string>& text) {
  return text ? nlohmann::json::parse(*text) : nlohmann::json(nullptr);
}

// The text as a JSON string, or null when there is none.
inline nlohmann::json text_or_null(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

// A request's optional string field: nullopt when absent or null. Throws yv::Error "invalid_request" (400)
// when it is there but not a string.
inline std::optional<std::string> optional_string(const nlohmann::json& body, const std::string& key) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw Error("invalid_request", key + " must be a string", 400);
  return it->get<std::string>();
}

// An ISO-8601 time (seconds since the epoch), or null when there is none.
inline nlohmann::json time_or_null(const std::optional<double>& seconds) {
  return seconds ? nlohmann::json(iso8601(*seconds)) : nlohmann::json(nullptr);
}

// The value as JSON text for a client; invalid UTF-8 (e.g. echoed from a hostile request) is replaced instead
// of throwing while answering.
inline std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// JSON from outside (request bodies, files a client named) nests at most this deep.
inline constexpr int kMaxJsonDepth = 64;

// `text` parsed, refusing it while it is read at the first array or object nested deeper than kMaxJsonDepth:
// the parser itself is iterative, but what code does with a value (copy, compare, dump it) recurses once per
// level, so tens of thousands of levels overflow a thread's stack. Throws yv::Error "json_too_deep" (400),
// naming `what`; nlohmann's parse_error when it is not JSON.
template <typename Input>
nlohmann::json parse_json_bounded(Input&& text, const std::string& what) {
  const nlohmann::json::parser_callback_t depth_guard =
      [&what](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
        const bool opens = event == nlohmann::json::parse_event_t::object_start ||
                           event == nlohmann::json::parse_event_t::array_start;
        if (opens && depth >= kMaxJsonDepth) {
          throw Error(
              "json_too_deep",
              what + " nests arrays and objects more than " + std::to_string(kMaxJsonDepth) + " levels deep",
              400);
        }
        return true;
      };
  return nlohmann::json::parse(std::forward<Input>(text), depth_guard);
}

}  // namespace yv

// Small conversions between stored text and JSON values, shared by the state readers.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

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

// An ISO-8601 time (seconds since the epoch), or null when there is none.
inline nlohmann::json time_or_null(const std::optional<double>& seconds) {
  return seconds ? nlohmann::json(iso8601(*seconds)) : nlohmann::json(nullptr);
}

// The value as JSON text for a client; invalid UTF-8 (e.g. echoed from a hostile request) is replaced instead
// of throwing while answering.
inline std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace yv

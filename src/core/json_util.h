// Small conversions between stored text and JSON values, shared by the state readers.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace yv {

// The parsed JSON text, or null when there is none.
inline nlohmann::json json_or_null(const std::optional<std::string>& text) {
  return text ? nlohmann::json::parse(*text) : nlohmann::json(nullptr);
}

// The text as a JSON string, or null when there is none.
inline nlohmann::json text_or_null(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

}  // namespace yv

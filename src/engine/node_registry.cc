#include "engine/node_registry.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <regex>

#include "core/error.h"

namespace yv::engine {
namespace {

bool has_type(const nlohmann::json& v, ParamType type) {
  switch (type) {
    case ParamType::kString:
      return v.is_string();
    case ParamType::kInteger:  // 64-bit signed, as the schema says
      return v.is_number_integer() &&
             !(v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()));
    case ParamType::kNumber:
      return v.is_number();
    case ParamType::kBoolean:
      return v.is_boolean();
    case ParamType::kArray:
      return v.is_array();
    case ParamType::kObject:
      return v.is_object();
  }
  return false;
}

const ParamSpec* find_param(const NodeSpec& node, const std::string& name) {
  for (const auto& p : node.params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// Throws "invalid_parameter" listing the problems, if any.
void throw_if_any(const NodeSpec& node, const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string detail = node.name + ": ";
  for (size_t i = 0; i < problems.size(); ++i) detail += (i ? "; " : "") + problems[i];
  throw Error("invalid_parameter", detail, 400);
}

std::vector<std::string> unknown_params(const NodeSpec& node, const nlohmann::json& given) {
  if (!given.is_object())
    throw Error("invalid_parameter", node.name + ": parameters must be a JSON object", 400);
  std::vector<std::string> problems;
  for (const auto& [key, value] : given.items()) {
    if (!find_param(node, key)) problems.push_back("unknown parameter '" + key + "'");
  }
  return problems;
}

// What is wrong with `value` as parameter `p` (its type, then its bounds), or nothing.
std::optional<std::string> problem_with(const ParamSpec& p, const nlohmann::json& value) {
  if (!has_type(value, p.type)) return "'" + p.name + "' must be " + to_string(p.type);
  if (p.choices.is_array() && std::find(p.choices.begin(), p.choices.end(), value) == p.choices.end()) {
    // Long lists (Whisper's hundred languages) are shown in part: supported-tasks has them all.
    std::string listed;
    for (size_t i = 0; i < p.choices.size() && i < 12; ++i) listed += (i ? ", " : "") + p.choices[i].dump();
    if (p.choices.size() > 12)
      listed += ", ... (" + std::to_string(p.choices.size()) + " in all: see supported-tasks)";
    return "'" + p.name + "' must be one of " + listed + ", not " + value.dump();
  }
  if (!p.pattern.empty() && !std::regex_match(value.get<std::string>(), std::regex(p.pattern)))
    return "'" + p.name + "' must match " + p.pattern;
  const bool below = !p.minimum.is_null() && value < p.minimum;
  const bool above = !p.maximum.is_null() && value > p.maximum;
  if (!below && !above) return std::nullopt;
  if (p.maximum.is_null()) return "'" + p.name + "' must be at least " + p.minimum.dump();
  if (p.minimum.is_null()) return "'" + p.name + "' must be at most " + p.maximum.dump();
  return "'" + p.name + "' must be between " + p.minimum.dump() + " and " + p.maximum.dump();
}

// Adds the node's cross_check problems with `known`, when every parameter passed its own checks.
void check_across(const NodeSpec& node, const nlohmann::json& known, std::vector<std::string>& problems) {
  if (!problems.empty() || !node.cross_check) return;
  for (auto& problem : node.cross_check(known)) problems.push_back(std::move(problem));
}

}  // namespace

const char* to_string(ParamType type) {
  switch (type) {
    case ParamType::kString:
      return "string";
    case ParamType::kInteger:
      return "integer";
    case ParamType::kNumber:
      return "number";
    case ParamType::kBoolean:
      return "boolean";
    case ParamType::kArray:
      return "array";
    case ParamType::kObject:
      return "object";
  }
  return "unknown";
}

void NodeRegistry::add(NodeSpec spec) {
  const std::string name = spec.name;
  nodes_.emplace(name, std::move(spec));
}

const NodeSpec* NodeRegistry::find(const std::string& name) const {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : &it->second;
}

const NodeSpec& NodeRegistry::get(const std::string& name) const {
  if (const NodeSpec* node = find(name)) return *node;
  std::string known;
  for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown_node", "unknown node '" + name + "' (available: " + known + ")", 400);
}

std::vector<std::string> NodeRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, spec] : nodes_) out.push_back(name);
  return out;
}

nlohmann::json NodeRegistry::resolve_params(const NodeSpec& node, const nlohmann::json& given,
                                            const nlohmann::json& globals) const {
  std::vector<std::string> problems = unknown_params(node, given);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& p : node.params) {
    const nlohmann::json* value = nullptr;
    if (given.contains(p.name)) {
      value = &given[p.name];
    } else if (p.global && globals.is_object() && globals.contains(p.name)) {
      value = &globals[p.name];
    }
    if (value && !value->is_null()) {
      if (auto problem = problem_with(p, *value)) {
        problems.push_back(std::move(*problem));
        continue;
      }
      out[p.name] = *value;
    } else if (!p.default_value.is_null()) {
      out[p.name] = p.default_value;
    } else if (p.required) {
      problems.push_back("'" + p.name + "' is required");
    }
  }
  check_across(node, out, problems);
  throw_if_any(node, problems);
  return out;
}

void NodeRegistry::check_params(const NodeSpec& node, const nlohmann::json& given) const {
  std::vector<std::string> problems = unknown_params(node, given);
  nlohmann::json known = nlohmann::json::object();
  for (const auto& [key, value] : given.items()) {
    const ParamSpec* p = find_param(node, key);
    const bool reference = value.is_string() && value.get<std::string>().starts_with("${{");
    if (!p || value.is_null() || reference) continue;
    if (auto problem = problem_with(*p, value)) {
      problems.push_back(std::move(*problem));
    } else {
      known[key] = value;
    }
  }
  check_across(node, known, problems);
  throw_if_any(node, problems);
}

const ParamSpec* NodeRegistry::find_global(const std::string& name) const {
  for (const auto& [node_name, node] : nodes_) {
    const ParamSpec* p = find_param(node, name);
    if (p && p->global) return p;
  }
  return nullptr;
}

}  // namespace yv::engine

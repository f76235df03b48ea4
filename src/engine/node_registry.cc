#include "engine/node_registry.h"

#include "core/error.h"

namespace yv::engine {
namespace {

bool has_type(const nlohmann::json& v, ParamType type) {
  switch (type) {
    case ParamType::kString:
      return v.is_string();
    case ParamType::kInteger:
      return v.is_number_integer();
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
  std::vector<std::string> problems;
  if (!given.is_object())
    throw Error("invalid_parameter", node.name + ": parameters must be a JSON object", 400);
  for (const auto& [key, value] : given.items()) {
    const bool known =
        std::any_of(node.params.begin(), node.params.end(), [&](const auto& p) { return p.name == key; });
    if (!known) problems.push_back("unknown parameter '" + key + "'");
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& p : node.params) {
    const nlohmann::json* value = nullptr;
    if (given.contains(p.name)) {
      value = &given[p.name];
    } else if (p.global && globals.is_object() && globals.contains(p.name)) {
      value = &globals[p.name];
    }
    if (value && !value->is_null()) {
      if (!has_type(*value, p.type)) {
        problems.push_back("'" + p.name + "' must be " + to_string(p.type));
        continue;
      }
      out[p.name] = *value;
    } else if (!p.default_value.is_null()) {
      out[p.name] = p.default_value;
    } else if (p.required) {
      problems.push_back("'" + p.name + "' is required");
    }
  }
  if (!problems.empty()) {
    std::string detail = node.name + ": ";
    for (size_t i = 0; i < problems.size(); ++i) detail += (i ? "; " : "") + problems[i];
    throw Error("invalid_parameter", detail, 400);
  }
  return out;
}

}  // namespace yv::engine

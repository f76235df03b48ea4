#include "engine/stage_inputs.h"

#include <functional>

#include "core/error.h"

namespace yv::engine {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

const EarlierStage* latest(const std::vector<EarlierStage>& earlier, const std::string& node) {
  for (auto it = earlier.rbegin(); it != earlier.rend(); ++it) {
    if (it->task_name == node) return &*it;
  }
  return nullptr;
}

}  // namespace

std::optional<StageReference> parse_reference(const nlohmann::json& value) {
  if (!value.is_string()) return std::nullopt;
  const std::string s = value;
  if (!s.starts_with("${{")) return std::nullopt;
  const auto malformed = [&] {
    return Error("invalid_reference",
                 "malformed reference '" + s + "': write ${{ stages.<node>.output.<field> }}", 400);
  };
  if (!s.ends_with("}}") || s.size() < 5) throw malformed();
  const std::string body = trim(s.substr(3, s.size() - 5));
  const std::string prefix = "stages.", middle = ".output.";
  const auto cut = body.rfind(middle);
  if (!body.starts_with(prefix) || cut == std::string::npos || cut <= prefix.size()) throw malformed();
  StageReference ref{body.substr(prefix.size(), cut - prefix.size()), body.substr(cut + middle.size())};
  if (ref.field.empty() || ref.field.find('.') != std::string::npos) throw malformed();
  return ref;
}

nlohmann::json stage_inputs(const NodeRegistry& nodes, const NodeSpec& node, const nlohmann::json& own_params,
                            const nlohmann::json& globals, const std::vector<EarlierStage>& earlier) {
  // A reference may stand anywhere in a parameter's value, inside lists and objects too (a subtitle track's
  // path in mux_video's subtitle_tracks).
  const std::function<nlohmann::json(const std::string&, const nlohmann::json&)> resolved =
      [&](const std::string& key, const nlohmann::json& value) -> nlohmann::json {
    if (value.is_structured()) {
      nlohmann::json out = value;
      for (auto& item : out) item = resolved(key, item);
      return out;
    }
    const auto ref = parse_reference(value);
    if (!ref) return value;
    const EarlierStage* source = latest(earlier, ref->node);
    if (!source || !source->output.contains(ref->field)) {
      throw Error("unresolved_reference",
                  node.name + ": '" + key + "' refers to stages." + ref->node + ".output." + ref->field +
                      ", which no earlier stage produced",
                  400);
    }
    return source->output[ref->field];
  };
  nlohmann::json given = nlohmann::json::object();
  for (const auto& [key, value] : own_params.items()) given[key] = resolved(key, value);
  for (const auto& p : node.params) {
    if (given.contains(p.name) || (p.global && globals.contains(p.name))) continue;
    for (auto it = earlier.rbegin(); it != earlier.rend(); ++it) {
      if (it->output.is_object() && it->output.contains(p.name)) {
        given[p.name] = it->output[p.name];
        break;
      }
    }
  }
  return nodes.resolve_params(node, given, globals);
}

}  // namespace yv::engine

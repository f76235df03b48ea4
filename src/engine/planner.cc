#include "engine/planner.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/json_util.h"
#include "engine/callback_outbox.h"
#include "engine/presets.h"
#include "engine/stage_inputs.h"

namespace yv::engine {
namespace {

using nlohmann::json;

// Top-level keys of the request that are neither globals nor node blocks.
const std::set<std::string> kReserved = {"workflow_config", "callback",    "callback_auth_header",
                                         "execution_mode",  "workflow_id", "param_merge_strategy"};

Error bad_request(const std::string& detail) { return Error("invalid_request", detail, 400); }

ExecutionMode parse_mode(const std::optional<std::string>& mode) {
  if (!mode || *mode == "full") return ExecutionMode::kFull;
  if (*mode == "incremental") return ExecutionMode::kIncremental;
  if (*mode == "retry") return ExecutionMode::kRetry;
  throw bad_request("execution_mode must be full, incremental or retry, not '" + *mode + "'");
}

MergeStrategy parse_merge(const std::optional<std::string>& strategy) {
  if (!strategy || *strategy == "merge") return MergeStrategy::kMerge;
  if (*strategy == "override") return MergeStrategy::kOverride;
  if (*strategy == "strict") return MergeStrategy::kStrict;
  throw bad_request("param_merge_strategy must be merge, override or strict, not '" + *strategy + "'");
}

// The chain workflow_config asks for: its workflow_chain, or its preset's (the preset is put in `preset`).
std::vector<std::string> parse_chain(const json& body, const NodeRegistry& nodes,
                                     std::optional<Preset>& preset) {
  std::vector<std::string> chain;
  if (!body.contains("workflow_config") || body["workflow_config"].is_null()) return chain;
  const json& config = body["workflow_config"];
  if (!config.is_object()) throw bad_request("workflow_config must be an object");
  for (const auto& [key, value] : config.items()) {
    if (key != "workflow_chain" && key != "preset")
      throw bad_request("unknown key '" + key + "' in workflow_config");
  }
  const bool has_chain = config.contains("workflow_chain") && !config["workflow_chain"].is_null();
  if (const auto name = optional_string(config, "preset")) {
    if (has_chain) throw bad_request("workflow_config takes a workflow_chain or a preset, not both");
    preset = find_preset(nodes, *name);
    return preset->chain;
  }
  if (!has_chain) return chain;
  if (!config["workflow_chain"].is_array())
    throw bad_request("workflow_chain must be an array of node names");
  if (config["workflow_chain"].size() > kMaxChainStages) {
    throw Error("chain_too_long",
                "workflow_chain has " + std::to_string(config["workflow_chain"].size()) +
                    " stages; at most " + std::to_string(kMaxChainStages) + " are allowed",
                400);
  }
  for (const auto& name : config["workflow_chain"]) {
    if (!name.is_string()) throw bad_request("workflow_chain must be an array of node names");
    nodes.get(name);  // throws unknown_node
    chain.push_back(name);
  }
  return chain;
}

// Union of two objects; `conflicts` collects keys given in both with different values (when not null).
json union_of(const json& stored, const json& given, std::vector<std::string>* conflicts,
              const std::string& prefix) {
  json out = stored;
  for (const auto& [key, value] : given.items()) {
    if (conflicts && out.contains(key) && out[key] != value) conflicts->push_back(prefix + key);
    out[key] = value;
  }
  return out;
}

// A run that continues a workflow keeps every stored stage (a retried one in its history): a chain with
// fewer stages would have to drop some, so it is refused before anything is decided.
void check_covers(const std::vector<StoredStage>& stored, const std::vector<std::string>& chain,
                  ExecutionMode mode) {
  if (chain.size() >= stored.size()) return;
  throw bad_request("the new chain has " + std::to_string(chain.size()) +
                    " stage(s), fewer than the workflow's " + std::to_string(stored.size()) + ": " +
                    to_string(mode) + " never drops stages; start a new workflow for a shorter chain");
}

}  // namespace

json to_json(const WorkflowSpec& spec) {
  return {{"workflow_chain", spec.chain},
          {"globals", spec.globals},
          {"node_params", spec.node_params},
          {"given_names", spec.given_names}};
}

WorkflowSpec spec_from_json(const json& stored) {
  return {stored.at("workflow_chain").get<std::vector<std::string>>(), stored.at("globals"),
          stored.at("node_params"), stored.value("given_names", json::object())};
}

const char* to_string(ExecutionMode mode) {
  switch (mode) {
    case ExecutionMode::kFull:
      return "full";
    case ExecutionMode::kIncremental:
      return "incremental";
    case ExecutionMode::kRetry:
      return "retry";
  }
  return "full";
}

WorkflowRequest parse_workflow_request(const json& body, const NodeRegistry& nodes) {
  if (!body.is_object()) throw bad_request("the body must be a JSON object");
  WorkflowRequest r;
  r.mode = parse_mode(optional_string(body, "execution_mode"));
  r.merge = parse_merge(optional_string(body, "param_merge_strategy"));
  r.workflow_id = optional_string(body, "workflow_id");
  r.callback = requested_callback(body);
  std::optional<Preset> preset;
  r.spec.chain = parse_chain(body, nodes, preset);
  const auto preset_takes = [](const Preset& p, const std::string& key) {
    return std::any_of(p.parameters.begin(), p.parameters.end(),
                       [&](const PresetParameter& q) { return q.name == key; });
  };

  std::vector<std::string> unknown;
  json preset_values = json::object();
  for (const auto& [key, value] : body.items()) {
    if (kReserved.contains(key) || value.is_null()) continue;
    if (const NodeSpec* node = nodes.find(key)) {
      nodes.check_params(*node, value);
      r.spec.node_params[key] = value;
    } else if (preset && preset_takes(*preset, key)) {
      preset_values[key] = value;  // checked as the node parameters it is written into
    } else if (const ParamSpec* p = nodes.find_global(key)) {
      NodeSpec holder;  // check the global's type with the rules of the node parameter it feeds
      holder.name = "global parameters";
      holder.params = {*p};
      nodes.check_params(holder, json{{key, value}});
      r.spec.globals[key] = value;
    } else {
      std::string presets;
      for (const Preset& p : available_presets(nodes))
        if (preset_takes(p, key)) presets += (presets.empty() ? "" : ", ") + p.name;
      if (!presets.empty()) {
        throw Error("invalid_parameter",
                    "'" + key + "' is a parameter of the preset(s) " + presets +
                        ": give it with workflow_config.preset",
                    400);
      }
      unknown.push_back(key);
    }
  }
  const json preset_params = preset ? expand_node_params(*preset, preset_values) : json::object();
  for (const auto& [node, params] : preset_params.items()) {
    json& own = r.spec.node_params[node];
    for (const auto& [name, value] : params.items()) {
      if (!own.contains(name)) own[name] = value;
    }
  }
  if (!unknown.empty()) {
    std::string names;
    for (const auto& k : unknown) names += (names.empty() ? "'" : ", '") + k + "'";
    throw Error("invalid_parameter",
                "unknown parameter(s) " + names + ": not a node name nor a global any node accepts", 400);
  }

  switch (r.mode) {
    case ExecutionMode::kFull:
      if (r.workflow_id) throw bad_request("execution_mode full creates a new workflow: omit workflow_id");
      if (!r.spec.globals.contains("video_path")) throw bad_request("video_path is required");
      break;
    case ExecutionMode::kIncremental:
    case ExecutionMode::kRetry:
      if (!r.workflow_id) {
        throw bad_request(std::string("execution_mode ") + to_string(r.mode) + " needs workflow_id");
      }
      break;
  }
  if (r.spec.chain.empty() && r.mode != ExecutionMode::kRetry) {
    throw Error("empty_workflow_chain", "workflow_config 中的 workflow_chain 不能为空", 400);
  }
  check_references(r.spec, nodes);
  // An incremental or retried workflow is checked once its stored parameters are merged in.
  if (r.mode == ExecutionMode::kFull) check_stages(r.spec, nodes);
  return r;
}

WorkflowSpec merge_specs(const WorkflowSpec& stored, const WorkflowSpec& given, MergeStrategy strategy) {
  WorkflowSpec out;
  out.chain = given.chain.empty() ? stored.chain : given.chain;
  out.given_names = union_of(stored.given_names, given.given_names, nullptr, "");
  if (strategy == MergeStrategy::kOverride) {
    out.globals = given.globals;
    out.node_params = given.node_params;
    // The input media is the workflow's identity, not a parameter to drop.
    if (!out.globals.contains("video_path") && stored.globals.contains("video_path")) {
      out.globals["video_path"] = stored.globals["video_path"];
    }
    return out;
  }
  std::vector<std::string> conflicts;
  auto* record = strategy == MergeStrategy::kStrict ? &conflicts : nullptr;
  out.globals = union_of(stored.globals, given.globals, record, "");
  out.node_params = stored.node_params;
  for (const auto& [node, params] : given.node_params.items()) {
    out.node_params[node] =
        union_of(stored.node_params.value(node, json::object()), params, record, node + ".");
  }
  if (!conflicts.empty()) {
    std::string names;
    for (const auto& k : conflicts) names += (names.empty() ? "" : ", ") + k;
    throw Error("param_conflict",
                "param_merge_strategy strict: these parameters differ from the stored workflow: " + names,
                400);
  }
  return out;
}

size_t incremental_start(const std::vector<StoredStage>& stored, const std::vector<std::string>& chain) {
  check_covers(stored, chain, ExecutionMode::kIncremental);
  for (size_t i = 0; i < stored.size(); ++i) {
    const std::string key = "stage_" + std::to_string(i) + " (" + stored[i].task_name + ")";
    if (stored[i].task_name != chain[i]) {
      throw bad_request(key + " differs from '" + chain[i] +
                        "' in the new chain: the stored chain must be a prefix of the new one");
    }
    if (stored[i].status != "completed") throw bad_request(key + " is " + stored[i].status + ": use retry");
  }
  return stored.size();
}

size_t retry_start(const std::vector<StoredStage>& stored, const std::vector<std::string>& chain) {
  check_covers(stored, chain, ExecutionMode::kRetry);
  for (size_t i = 0; i < chain.size(); ++i) {
    if (i >= stored.size() || stored[i].task_name != chain[i] || stored[i].status != "completed") return i;
  }
  return chain.size();
}

void check_references(const WorkflowSpec& spec, const NodeRegistry& nodes) {
  for (const auto& [node_name, params] : spec.node_params.items()) {
    // Nodes that may be referenced: those running before the last occurrence of this node in the chain.
    const auto last = std::find(spec.chain.rbegin(), spec.chain.rend(), node_name);
    const std::set<std::string> before(spec.chain.begin(),
                                       last == spec.chain.rend() ? spec.chain.end() : std::prev(last.base()));
    // References stand anywhere in a value, inside lists and objects too (stage_inputs.h).
    const std::function<void(const std::string&, const json&)> check = [&](const std::string& key,
                                                                           const json& value) {
      if (value.is_structured()) {
        for (const auto& item : value) check(key, item);
        return;
      }
      const auto ref = parse_reference(value);
      if (!ref) return;
      const NodeSpec* source = nodes.find(ref->node);
      const auto where = node_name + "." + key + ": ";
      if (!source) throw Error("invalid_reference", where + "unknown node '" + ref->node + "'", 400);
      if (std::find(source->outputs.begin(), source->outputs.end(), ref->field) == source->outputs.end()) {
        throw Error("invalid_reference", where + ref->node + " has no output '" + ref->field + "'", 400);
      }
      if (last != spec.chain.rend() && !before.contains(ref->node)) {
        throw Error("invalid_reference", where + ref->node + " does not run before " + node_name, 400);
      }
    };
    for (const auto& [key, value] : params.items()) check(key, value);
  }
}

namespace {

// Every required parameter of stage `index` is given (own, reference or global) or an output of an earlier
// stage (stage_inputs' upstream fallback): a subtitle stage with no transcription before it is refused here,
// not after the stages before it ran.
void check_inputs_available(const NodeSpec& node, const json& known, const std::set<std::string>& produced,
                            const NodeRegistry& nodes, size_t index) {
  for (const auto& p : node.params) {
    if (!p.required || known.contains(p.name) || produced.contains(p.name)) continue;
    std::string producers;
    for (const auto& name : nodes.names()) {
      const auto& outputs = nodes.get(name).outputs;
      if (std::find(outputs.begin(), outputs.end(), p.name) != outputs.end())
        producers += (producers.empty() ? "" : ", ") + name;
    }
    throw Error("missing_input",
                "stage_" + std::to_string(index) + " (" + node.name + ") needs " + p.name +
                    ": give it in the \"" + node.name + "\" parameters" +
                    (producers.empty() ? std::string()
                                       : ", or run a stage that produces it before (" + producers + ")"),
                400);
  }
}

}  // namespace

void check_stages(const WorkflowSpec& spec, const NodeRegistry& nodes, size_t first) {
  std::set<std::string> produced;  // the outputs of the stages so far
  for (size_t i = 0; i < spec.chain.size(); ++i) {
    const std::string& name = spec.chain[i];
    const NodeSpec& node = nodes.get(name);
    json known = spec.node_params.value(name, json::object());
    for (const auto& p : node.params) {
      if (known.contains(p.name) && !known[p.name].is_null()) continue;
      if (p.global && spec.globals.contains(p.name)) {
        known[p.name] = spec.globals[p.name];
      } else if (!produced.contains(p.name) && !p.default_value.is_null()) {
        known[p.name] = p.default_value;
      } else {
        known.erase(p.name);
      }
    }
    if (i >= first) {
      nodes.check_params(node, known);
      check_inputs_available(node, known, produced, nodes, i);
    }
    produced.insert(node.outputs.begin(), node.outputs.end());
  }
}

}  // namespace yv::engine

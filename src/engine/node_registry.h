// Nodes and the registry that knows them.
//
// A node is one unit of work that a workflow chain or a single task names as <service>.<function>. Its
// NodeSpec declares everything the engine needs without running it: parameters (type, default, whether it
// takes the workflow's global of the same name), outputs, resource class (which queue it runs from), time
// limit, and whether the same inputs give the same result (so that a result may be reused). The registry is
// the single source for validation, the list of supported tasks and the API schema; nothing else keeps a list
// of nodes.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace yv::engine {

enum class ParamType { kString, kInteger, kNumber, kBoolean, kArray, kObject };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  nlohmann::json default_value;  // null: no default (absent unless given)
  bool required = false;
  bool global = false;  // filled from the workflow's global parameter of the same name when not given
  std::string description;
  // Inclusive bounds of an integer or number parameter (null: none). Checked with the type wherever
  // parameters are checked, so a value out of range is refused at submit; listed by supported-tasks.
  nlohmann::json minimum = nullptr;
  nlohmann::json maximum = nullptr;
  // The values a parameter may take (an array; null: any of its type), checked and listed like the bounds.
  nlohmann::json choices = nullptr;
  // An ECMAScript regular expression a string parameter must match whole (empty: any), checked like the
  // bounds and given to the API document as its pattern.
  std::string pattern = "";
  // The JSON Schema of an array parameter's items (null: any), given to the API document and the list of
  // supported tasks. The node checks the items itself (its cross_check), including what a schema cannot say.
  nlohmann::json items = nullptr;
  // The exact number of items of an array parameter (0: any), given to the API document like `items`.
  size_t length = 0;
};

// What a running node gets.
struct NodeRun {
  const nlohmann::json& params;                 // validated, defaults filled
  const std::function<void(double)>& progress;  // fraction in [0, 1]
  const std::atomic<bool>& cancelled;           // set when the work must stop (lease lost, cancellation)
  const std::filesystem::path& work_dir;        // private scratch and output directory of this run
  // Called with each finished segment of the output (a JSON object), in order, each once, while the node
  // runs, so that clients can follow it live (engine/partial_output.h); null when nobody follows.
  std::function<void(nlohmann::json segment)> segment = nullptr;
};

struct NodeSpec {
  std::string name;  // "<service>.<function>"
  std::string description;
  std::vector<ParamSpec> params;
  std::vector<std::string> outputs;
  std::string resource_class = "cpu";  // the queue it is claimed from
  int time_limit_seconds = 3600;
  bool deterministic = true;
  // Rules that tie parameters together (e.g. an excerpt's start before its end), checked after each
  // parameter passed its own checks: returns a sentence for every rule `params` breaks. `params` holds the
  // values known at that point: at submit those given (stage references left out), before a run all of them
  // with defaults filled. Null: no such rules.
  std::function<std::vector<std::string>(const nlohmann::json& params)> cross_check;
  // Returns the node's outputs. Throws yv::Error for failures the user can act on.
  std::function<nlohmann::json(const NodeRun&)> run;
};

class NodeRegistry {
 public:
  // REQUIRES: no node of the same name was added before.
  void add(NodeSpec spec);

  // nullptr when unknown.
  const NodeSpec* find(const std::string& name) const;
  // The node, or yv::Error "unknown_node" (400) naming the known ones.
  const NodeSpec& get(const std::string& name) const;
  std::vector<std::string> names() const;

  // Checks `given` against the node's parameters and fills defaults, then globals for parameters that take
  // them. Throws yv::Error "invalid_parameter" (400) naming every unknown parameter, wrong type, value out of
  // bounds or missing required one, or else every broken cross_check rule.
  nlohmann::json resolve_params(const NodeSpec& node, const nlohmann::json& given,
                                const nlohmann::json& globals = nlohmann::json::object()) const;

  // The submit-time check of parameters whose final values are only known when the stage runs: every key
  // must be a parameter of the node and every value of its type and within its bounds, except stage
  // references ("${{ stages... }}" strings), which are checked by the planner; then the node's cross_check
  // rules on the values given. Required parameters are not checked: an earlier stage may provide them.
  // Throws yv::Error "invalid_parameter" (400) naming every problem.
  void check_params(const NodeSpec& node, const nlohmann::json& given) const;

  // The parameter spec that the global `name` feeds (the first node declaring it), or nullptr when no node
  // takes a global of that name.
  const ParamSpec* find_global(const std::string& name) const;

 private:
  std::map<std::string, NodeSpec> nodes_;
};

const char* to_string(ParamType type);

}  // namespace yv::engine

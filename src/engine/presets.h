// Named chains (presets) for what users mostly ask of the engine, so that a client (the SDK, the web studio,
// curl) can submit `"workflow_config": {"preset": "subtitles"}` instead of spelling out node names and the
// parameters that make them work together.
//
// A preset is a chain and node parameters that the request's own parameters override. The planner expands it
// when the request is parsed: what is stored and shown is the chain it stands for, so retries, incremental
// runs and status answers do not depend on presets (a preset changed later changes no stored workflow).
// Only presets whose every node is registered are offered.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/node_registry.h"

namespace yv::engine {

struct Preset {
  std::string name;
  std::string description;
  std::vector<std::string> chain;
  nlohmann::json node_params = nlohmann::json::object();  // {"<node>": {"<param>": value}}, overridable
};

// The presets `nodes` can run, in a stable order.
std::vector<Preset> available_presets(const NodeRegistry& nodes);

// The preset named `name`. Throws yv::Error "unknown_preset" (400) naming those available.
Preset find_preset(const NodeRegistry& nodes, const std::string& name);

}  // namespace yv::engine

// The parameters a workflow stage runs with, computed when the stage is scheduled.
//
// A node reads its inputs from, in order: its own parameters in the request (the top-level block named after
// it), the workflow's globals (for parameters that accept them), then the outputs of earlier stages. An own
// parameter may be a reference "${{ stages.<node>.output.<field> }}" (a whole string, the value itself or one
// inside its lists and objects), resolved from the latest earlier stage of that node; a parameter given by
// neither the request nor a global is taken from the latest earlier stage whose output has a field of the
// same name (upstream fallback), unless the parameter opts out of it (ParamSpec::from_earlier_stages).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/node_registry.h"

namespace yv::engine {

struct StageReference {
  std::string node;
  std::string field;
};

// The reference a parameter value spells, or nothing when it is not a reference. Throws yv::Error
// "invalid_reference" (400) for a value that starts like one but is malformed.
std::optional<StageReference> parse_reference(const nlohmann::json& value);

struct EarlierStage {
  std::string task_name;
  nlohmann::json output;  // object
};

// REQUIRES: own_params passed NodeRegistry::check_params. Throws yv::Error "unresolved_reference" (400)
// when a reference names no earlier stage or field, and "invalid_parameter" (400) as resolve_params does.
nlohmann::json stage_inputs(const NodeRegistry& nodes, const NodeSpec& node, const nlohmann::json& own_params,
                            const nlohmann::json& globals, const std::vector<EarlierStage>& earlier);

}  // namespace yv::engine

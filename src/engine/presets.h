// Named chains (presets) for what users mostly ask of the engine, so that a client (the SDK, the web studio,
// curl) can submit `"workflow_config": {"preset": "subtitles"}` instead of spelling out node names and the
// parameters that make them work together.
//
// A preset is a chain and node parameters that the request's own parameters override. The planner expands it
// when the request is parsed: what is stored and shown is the chain it stands for, so retries, incremental
// runs and status answers do not depend on presets (a preset changed later changes no stored workflow).
// Only presets whose every node is registered are offered.
//
// A preset may have parameters of its own: one value the request gives once at its top level
// ("target_language": "zh") that the preset writes into every node parameter that must agree with it (the
// translation's target, the voice's language, the dubbed track's and the subtitle track's language tags).
// Each is written before the request's own node parameters are laid over the preset's, so a node block in
// the request still wins.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/node_registry.h"

namespace yv::engine {

struct PresetParameter {
  std::string name;  // a top-level key of the request; no node's name nor a global's
  std::string description;
  nlohmann::json default_value;  // written when the request does not give it
  // Where the value goes: JSON pointers into node_params, "/<node>/<param>" or deeper
  // ("/ffmpeg.mux_video/subtitle_tracks/1/language"). The first names the node parameter whose rules
  // (type, pattern) the API document gives the preset parameter.
  std::vector<std::string> targets;
};

struct Preset {
  std::string name;
  std::string description;
  std::vector<std::string> chain;
  nlohmann::json node_params = nlohmann::json::object();  // {"<node>": {"<param>": value}}, overridable
  std::vector<PresetParameter> parameters = {};
};

// The presets `nodes` can run, in a stable order.
std::vector<Preset> available_presets(const NodeRegistry& nodes);

// The preset named `name`. Throws yv::Error "unknown_preset" (400) naming those available.
Preset find_preset(const NodeRegistry& nodes, const std::string& name);

// The parameters of the presets `nodes` can run, by name (a name shared by several presets is listed once).
std::vector<PresetParameter> preset_parameters(const NodeRegistry& nodes);

// `preset`'s node_params with its parameters' values written at their targets: `values[name]` when given,
// else the parameter's default.
nlohmann::json expand_node_params(const Preset& preset, const nlohmann::json& values);

}  // namespace yv::engine

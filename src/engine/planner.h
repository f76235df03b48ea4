// The planner: turns the body of POST /v1/workflows into a validated request, and decides which stages an
// incremental or retry run executes. Pure functions of the request, the stored workflow and the node
// registry: no state is read or written here (engine/workflow_service.h does that), so every rule of the
// execution modes is unit-tested directly.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/node_registry.h"
#include "store/state_store.h"

namespace yv::engine {

// What a workflow runs: its chain and its parameters. Stored with the workflow.
struct WorkflowSpec {
  std::vector<std::string> chain;
  nlohmann::json globals = nlohmann::json::object();      // {"video_path", "language", ...}
  nlohmann::json node_params = nlohmann::json::object();  // {"<node>": {"<param>": value}}
  // The input files' names as clients gave them, by the server's names that the parameters above hold
  // (storage::InputResolver::resolve_params): status answers and stage errors show the names given.
  nlohmann::json given_names = nlohmann::json::object();
};
nlohmann::json to_json(const WorkflowSpec& spec);
WorkflowSpec spec_from_json(const nlohmann::json& stored);

// The most stages a workflow may have. Every stage is a record, a job and a status entry kept for the
// workflow's life: without a cap one request could store work and views of any size.
inline constexpr size_t kMaxChainStages = 64;

enum class ExecutionMode { kFull, kIncremental, kRetry };
enum class MergeStrategy { kMerge, kOverride, kStrict };
const char* to_string(ExecutionMode mode);

struct WorkflowRequest {
  ExecutionMode mode = ExecutionMode::kFull;
  std::optional<std::string> workflow_id;  // incremental and retry
  MergeStrategy merge = MergeStrategy::kMerge;
  WorkflowSpec spec;  // the chain may be empty only for retry (then the stored chain is retried)
  std::optional<store::CallbackTarget> callback;
};

// Parses and validates a request body against the registry: known nodes, known parameters of the right types
// (globals must be accepted by some node), well-formed references to earlier stages of the chain, and what
// each execution mode needs. Throws yv::Error 400: "invalid_request" (wrong shape or mode rules),
// "empty_workflow_chain", "chain_too_long" (over kMaxChainStages), "unknown_node", "invalid_parameter",
// "invalid_reference".
WorkflowRequest parse_workflow_request(const nlohmann::json& body, const NodeRegistry& nodes);

// The parameters an incremental or retry run continues with. kMerge: union, the new value wins; kOverride:
// the new parameters only; kStrict: union, but a key given with a different value is an error (yv::Error
// "param_conflict", 400). The chain is the given one, or the stored one when none is given; the given
// names are always the union.
WorkflowSpec merge_specs(const WorkflowSpec& stored, const WorkflowSpec& given, MergeStrategy strategy);

// The state of a stored stage, as the planner needs it.
struct StoredStage {
  std::string task_name;
  std::string status;  // pending | queued | running | completed | failed | skipped | cancelled
};

// Index of the first stage an incremental run executes: the stored chain must be a prefix of `chain` and
// every stored stage completed. Returns chain.size() when nothing is left to run. Throws yv::Error 400
// "invalid_request" naming the reason (e.g. "stage_1 (x) failed: use retry").
size_t incremental_start(const std::vector<StoredStage>& stored, const std::vector<std::string>& chain);

// Index of the first stage a retry executes: the first stage of `chain` that is missing from the stored
// workflow, names another node there, or is not completed. chain.size() when all are completed. Throws
// yv::Error 400 "invalid_request" when `chain` has fewer stages than the stored workflow: a retry never
// drops stages (nor their history).
size_t retry_start(const std::vector<StoredStage>& stored, const std::vector<std::string>& chain);

// Checks `${{ stages.<node>.output.<field> }}` references in the node blocks of `spec`: each must name a
// node that runs earlier in the chain and one of its declared outputs. Throws "invalid_reference" (400).
void check_references(const WorkflowSpec& spec, const NodeRegistry& nodes);

// Checks each stage of the chain of `spec` with the values it will run with as far as they are known before
// it runs: its node's own parameters, the globals it takes, and the defaults of the others, leaving out
// references and any parameter an earlier stage's output may fill (stage_inputs' upstream fallback). So a
// node's cross_check rules see what a stage will really use (the model a language's default names) and
// refuse it before anything is stored. Stages before `first` (completed, not run again) are not checked.
// A required parameter that neither the request nor an earlier stage's declared outputs provide is refused
// too. REQUIRES: the spec passed check_references. Throws as NodeRegistry::check_params does, and
// "missing_input" (400) naming the parameter and the nodes that produce it.
void check_stages(const WorkflowSpec& spec, const NodeRegistry& nodes, size_t first = 0);

}  // namespace yv::engine

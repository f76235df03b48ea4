// Single tasks (`POST /v1/tasks`): run one node outside any workflow, with reuse by task id.
//
// A task is a row binding a user-chosen (or generated) task_id to a node, its validated input and the queue
// job that runs it; the row and the job are written in one transaction, so a task is never recorded without
// work queued for it. Submitting the same task_id again:
//   - same node and same input, earlier run completed -> the stored result at once (status completed,
//   reuse_info);
//   - same node and input, still queued or running   -> its current status, nothing scheduled twice;
//   - same node and input, earlier run failed or was cancelled -> queued again (a retry);
//   - different node or input                        -> 409 task_conflict.
// "Same input" compares the parameters after validation and defaults, so {"beam_size": 5} and {} are the
// same.
//
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/node_registry.h"
#include "engine/scheduler.h"
#include "net/webhook.h"
#include "storage/input_paths.h"
#include "store/state_store.h"

namespace yv::engine {

class TaskService {
 public:
  // REQUIRES: state, nodes and store outlive the service.
  TaskService(store::StateStore& state, const NodeRegistry& nodes, const storage::BlobStore& store);

  // Body of POST /v1/tasks: {"task_name", "task_id"?, "input_data"?, "callback"?}. Returns the response body.
  // Throws yv::Error: "invalid_request" (400) for a body of the wrong shape or an unsafe task_id (see
  // is_safe_id), "unknown_node" / "invalid_parameter" (400) for the node and its input, "invalid_path" (400)
  // / "file_not_found" (404) for input files (storage::InputResolver), "task_conflict" (409) as described
  // above, "queue_full" (429, see QueueLimit).
  nlohmann::json submit(const nlohmann::json& body);

  // Body of GET /v1/tasks/{id}/status. Throws yv::Error "task_not_found" (404).
  nlohmann::json status(const std::string& task_id);

  // DELETE /v1/tasks/{id}: withdraws a queued task or stops a running one (its worker sees the cancellation
  // at its next heartbeat). Throws "task_not_found" (404), and "task_finished" (409) when it had ended.
  // A cancelled task submitted again with the same input is queued again, like a failed one.
  nlohmann::json cancel(const std::string& task_id);

 private:
  store::StateStore& state_;
  const NodeRegistry& nodes_;
  storage::InputResolver inputs_;  // what input names mean, and which may be read
  net::WebhookPolicy webhooks_;    // which callback URLs are accepted
  QueueLimit queue_limit_;         // how much work may wait
};

// The body of GET /v1/tasks/{id}/status. Throws yv::Error "task_not_found" (404).
nlohmann::json task_view(store::StateStore& state, const std::string& task_id);

// How a task's job ended, as its status route and callback show it: {"status", "result", "error"}.
nlohmann::json task_outcome(const store::JobStatus& job);

// Every node with its parameters and outputs: the body of GET /v1/tasks/supported-tasks.
nlohmann::json describe_nodes(const NodeRegistry& nodes);

}  // namespace yv::engine

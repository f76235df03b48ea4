// The answers of the monitoring routes (api-contract.md §6), computed from the live state at each request:
// health with real component checks, GPU leases with their history and the operator's release, the time
// limits in force, worker and task heartbeats, and per-node statistics.
//
// Liveness: workers report themselves every second (engine/worker.h); one silent for dead_after_seconds is
// reported dead, and a job still leased to a dead worker is "orphaned" (its lease lapses within one lease
// length and the job runs again elsewhere). The timeout config names the mechanisms that really act:
// `warning` is dead_after_seconds, `soft_timeout` the workers' lease (a silent worker loses its job then),
// `hard_timeout` the default node time limit (a longer run fails with task_timeout) and `node_timeouts` each
// node's own.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/node_registry.h"
#include "storage/blob_store.h"
#include "store/state_store.h"

namespace yv::engine {

struct MonitorOptions {
  double lease_seconds = 30;       // the workers' job lease (serve --lease)
  double dead_after_seconds = 10;  // a worker silent this long is reported dead
};

class Monitor {
 public:
  // REQUIRES: all outlive the monitor.
  Monitor(store::StateStore& state, const storage::BlobStore& store, const NodeRegistry& nodes,
          MonitorOptions options);

  nlohmann::json health();
  // Throws "invalid_request" (400) unless key is gpu_lock:<device>.
  nlohmann::json gpu_lock_status(const std::string& key);
  // Body {"lock_key", "task_name"}: "manual" releases whoever holds the lock; another task name releases it
  // only when that node holds it. The holder is fenced either way. Throws "invalid_request" (400).
  nlohmann::json release_lock(const nlohmann::json& body);
  nlohmann::json timeout_config() const;
  // A task id or a workflow id. Throws "heartbeat_not_found" (404) when neither is known.
  nlohmann::json task_heartbeat(const std::string& id);
  nlohmann::json all_heartbeats();
  nlohmann::json statistics();

 private:
  bool alive(const store::WorkerBeat& beat, double now) const;

  store::StateStore& state_;
  const storage::BlobStore& store_;
  const NodeRegistry& nodes_;
  MonitorOptions options_;
};

}  // namespace yv::engine

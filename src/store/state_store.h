// The state store: workflows (with their stages), single tasks and the callback outbox, kept beside the job
// queue that runs their work, so that a change of state and the jobs it queues commit together.
//
// The engine reads and changes records through this interface only; it never sees SQL or Redis commands.
// Every change is a read-modify-write of one record: update_workflow() / update_task() hand the stored record
// to a function that changes it and may queue jobs, cancel jobs and add callbacks through Changes; the record
// and those changes then commit atomically, or not at all when the function throws. Two implementations:
//   - store/sqlite/sqlite_state_store.h: the embedded deployment; the function runs inside one IMMEDIATE
//     transaction that also holds the job queue's table.
//   - store/redis/redis_state_store.h: the scale-out deployment; optimistic (WATCH the record, then
//     MULTI/EXEC the record with the queued job scripts), so the function may run again after a conflict.
// Both pass the same tests (tests/unit/state_store_test.cc).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/job_queue.h"
#include "store/lease_manager.h"

namespace yv::store {

// A stage while it runs is its job's business: its progress and its partial output (the finished transcript
// segments so far, bounded: engine/partial_output.h) live in the job (JobStatus::progress, ::partial),
// written by the worker's heartbeats, and the result supersedes them when the job is done. They are not kept
// here because this record is read-modify-written whole, with its revision advanced at every change: a
// heartbeat a second rewriting it would conflict with the scheduler's updates (optimistic on Redis) and keep
// the status route's cache of settled views (engine/view_cache.h) of no use while anything runs.
struct StageRecord {
  std::string task_name;
  std::string status = "pending";  // pending | queued | completed | failed | skipped | cancelled
  nlohmann::json input;            // null until queued
  nlohmann::json output;           // null until its outcome is recorded
  std::optional<std::string> error;
  int64_t job_id = 0;                                // 0: never queued
  nlohmann::json history = nlohmann::json::array();  // earlier runs of this stage (retries)

  bool operator==(const StageRecord&) const = default;
};

struct WorkflowRecord {
  std::string id;
  std::string status = "running";  // running | completed | failed | cancelled
  nlohmann::json request;          // the workflow spec (engine/planner.h to_json)
  std::optional<std::string> error;
  std::optional<std::string> callback;  // URL to notify when the run ends
  bool notify = false;                  // a callback is due when the current run ends
  double created_at = 0, updated_at = 0;
  std::vector<StageRecord> stages;

  bool operator==(const WorkflowRecord&) const = default;
};

// Makes `after`, a changed version of `before`, carry a later updated_at than `before` even when both were
// written within the clock's resolution. Both backends call it on every record they store.
inline void advance_revision(const std::optional<WorkflowRecord>& before, WorkflowRecord& after) {
  if (before) after.updated_at = std::max(after.updated_at, std::nextafter(before->updated_at, HUGE_VAL));
}

struct TaskRecord {
  std::string id, task_name;
  std::string input;  // validated parameters as canonical JSON text (compared on resubmission)
  int64_t job_id = 0;
  std::optional<std::string> callback;
  bool notify = false;
  double created_at = 0;

  bool operator==(const TaskRecord&) const = default;
};

// One webhook to deliver, kept after delivery as its record.
struct CallbackRecord {
  int64_t id = 0;
  std::string kind;  // "workflow" | "task"
  std::string owner_id, url, body;
  std::string status = "pending";  // pending | delivered | failed
  int attempts = 0;
  double next_at = 0;
  std::optional<std::string> last_error;
  std::optional<double> delivered_at;
};

// (queue, ready|leased) -> jobs; queues without such jobs are absent.
using QueueDepth = std::map<std::pair<std::string, std::string>, int64_t>;

// Counts for /metrics and the statistics route.
struct Statistics {
  struct NodeRuns {
    int64_t runs = 0, attempts = 0;
    std::vector<double> seconds;  // run time of each completed run (its last attempt)
  };
  QueueDepth queue_depth;
  std::map<std::pair<std::string, std::string>, NodeRuns> node_runs;  // (node, done|dead|cancelled)
  std::map<std::string, int64_t> workflows;                           // status -> count
  std::map<std::string, int64_t> callbacks;                           // status -> count
};

// A worker's last heartbeat, for monitoring.
struct WorkerBeat {
  std::string name;
  nlohmann::json beat;  // what the worker reported: queues, device, current job ...
  double seen_at = 0;
};

// What an update may do besides changing its record; committed with it.
class Changes {
 public:
  virtual ~Changes() = default;
  // Queues a job (see JobQueue::enqueue); returns its id.
  virtual int64_t enqueue(const std::string& queue, const nlohmann::json& payload, JobLimits limits) = 0;
  // Cancels a ready or leased job (JobQueue::cancel); a finished job is left alone.
  virtual void cancel(int64_t job_id, const std::string& reason) = 0;
  // Adds a callback to send now; its body gets a "timestamp".
  virtual void add_callback(const std::string& kind, const std::string& owner_id, const std::string& url,
                            nlohmann::json body) = 0;
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // The job queue living with this state. Thread-safe.
  virtual JobQueue& queue() = 0;

  // The device leases living with this state. Thread-safe.
  virtual LeaseManager& leases() = 0;

  // Records a worker's heartbeat (replacing its last one), and every worker's last one, oldest first.
  virtual void worker_beat(const std::string& name, const nlohmann::json& beat) = 0;
  virtual std::vector<WorkerBeat> worker_beats() = 0;

  // The status of a job, read now (a job's state only moves forward: ready/leased -> done/dead/cancelled).
  // Throws yv::Error "job_not_found" (404).
  virtual JobStatus job(int64_t id) = 0;

  using WorkflowUpdate = std::function<void(std::optional<WorkflowRecord>&, Changes&)>;
  using TaskUpdate = std::function<void(std::optional<TaskRecord>&, Changes&)>;

  // Runs `update` on the stored workflow `id` (nullopt when there is none; set it to create one) and commits
  // what it leaves, with its Changes, atomically. Nothing is written when it changes nothing. `update` may
  // run more than once (after a conflict with another writer), each time on a fresh read: it must only change
  // its arguments and its own locals, and whatever it returns through captures is from its last run. An
  // exception from it aborts the update and propagates.
  // A record that changes is stored with an updated_at later than the one it replaces (advance_revision), so
  // that updated_at is the record's revision.
  virtual void update_workflow(const std::string& id, const WorkflowUpdate& update) = 0;
  virtual std::optional<WorkflowRecord> workflow(const std::string& id) = 0;
  // The stored workflow's updated_at, read without the record (nullopt: no such workflow). Equal revisions,
  // equal records: what the status route checks before serving a view it rendered earlier. A change made
  // through this store shows at once; on Redis, one made by another process shows once Redis has reported it
  // (store/redis/revision_cache.h), a fraction of a millisecond later.
  virtual std::optional<double> workflow_revision(const std::string& id) = 0;
  // Up to `limit` workflows created before (time, id) in (created_at, id) order, newest first.
  virtual std::vector<WorkflowRecord> workflows_before(double time, const std::string& id, int limit) = 0;
  // Ids of the workflows whose status is running.
  virtual std::vector<std::string> running_workflows() = 0;

  // The same for single tasks.
  virtual void update_task(const std::string& id, const TaskUpdate& update) = 0;
  virtual std::optional<TaskRecord> task(const std::string& id) = 0;

  // Ids of the workflows ("workflow") or tasks ("task") marked notify.
  virtual std::vector<std::string> to_notify(const std::string& kind) = 0;

  // Claims up to `limit` pending callbacks due at `now` for `claim_seconds`: other deliverers sharing the
  // state skip them meanwhile. The caller then record_attempt()s each.
  virtual std::vector<CallbackRecord> claim_callbacks(double now, int limit, double claim_seconds) = 0;
  // Stores the outcome of a delivery attempt: status, attempts, next_at, last_error, delivered_at.
  virtual void record_attempt(const CallbackRecord& callback) = 0;
  // The newest callback of an owner, if any.
  virtual std::optional<CallbackRecord> latest_callback(const std::string& kind,
                                                        const std::string& owner_id) = 0;

  // Jobs waiting and running per queue: cheap (the health check asks at every probe).
  virtual QueueDepth queue_depth() = 0;
  // Everything in Statistics: reads every finished job (O(n)); for /metrics and the statistics route.
  virtual Statistics statistics() = 0;
};

}  // namespace yv::store

// StateStore on Redis, shared by any number of gateways and workers on any hosts, next to RedisJobQueue.
//
// Records are JSON documents: <p>wf:<id> (a workflow with its stages) and <p>task:<id>. Beside them, kept in
// the same transactions: <p>workflows (sorted set by creation time, for listing), <p>running (set of running
// workflow ids, for the scheduler's sweep), <p>notify:workflow and <p>notify:task (records with a callback
// due), and the callback outbox: <p>cb:<id> documents, <p>cb:due (sorted set of pending ids by next attempt)
// and <p>cb:latest:<kind>:<owner>. Workers' heartbeats are one hash, <p>workers (name -> JSON).
//
// Updates are optimistic: WATCH the record, read it, run the update, then MULTI / the record and its
// satellites / the job scripts it queued (RedisJobQueue's own) / EXEC. When another writer changed the
// record meanwhile, EXEC does nothing and the update runs again on a fresh read, so an update commits
// exactly once and a job is queued only with the record that names it. A connection lost before EXEC is
// retried once on a new connection; one lost during EXEC is reported ("state_unavailable", 503), since
// whether it committed is unknown.
//
// Reads (records, sets, the status route's revision checks) go through a pool of connections
// (redis/client_pool.h, YIVIDEO_REDIS_READERS), so many gateway threads wait on Redis at once; writes go
// through one connection, as a transaction holds its connection from WATCH to EXEC. Workflow revisions, once
// read, are kept until Redis reports a change of the record (redis/revision_cache.h): the status route's
// check of a settled workflow then makes no round trip at all.
//
// Listing, statistics and the sweep read whole sets (O(n) in workflows or jobs), fine for thousands; a
// deployment with millions of records would want counters kept at each transition.
#pragma once

#include <functional>
#include <mutex>
#include <span>
#include <string>

#include "store/redis/client_pool.h"
#include "store/redis/redis_client.h"
#include "store/redis/redis_job_queue.h"
#include "store/redis/redis_lease_manager.h"
#include "store/redis/revision_cache.h"
#include "store/state_store.h"

namespace yv::store {

class RedisStateStore final : public StateStore {
 public:
  // url: "redis://host:port[/db]". Throws yv::Error "state_unavailable" (503), and "invalid_config" for a
  // YIVIDEO_REDIS_READERS that is not a positive number.
  explicit RedisStateStore(const std::string& url, std::function<double()> clock = wall_clock,
                           std::string prefix = "yv:");

  JobQueue& queue() override { return queue_; }
  LeaseManager& leases() override { return leases_; }
  void worker_beat(const std::string& name, const nlohmann::json& beat) override;
  std::vector<WorkerBeat> worker_beats() override;
  JobStatus job(int64_t id) override { return queue_.status(id); }
  void update_workflow(const std::string& id, const WorkflowUpdate& update) override;
  std::optional<WorkflowRecord> workflow(const std::string& id) override;
  std::optional<double> workflow_revision(const std::string& id) override;
  std::vector<WorkflowRecord> workflows_before(double time, const std::string& id, int limit) override;
  std::vector<std::string> running_workflows() override;
  void update_task(const std::string& id, const TaskUpdate& update) override;
  std::optional<TaskRecord> task(const std::string& id) override;
  std::vector<std::string> to_notify(const std::string& kind) override;
  std::vector<CallbackRecord> claim_callbacks(double now, int limit, double claim_seconds) override;
  void record_attempt(const CallbackRecord& callback) override;
  std::optional<CallbackRecord> latest_callback(const std::string& kind,
                                                const std::string& owner_id) override;
  QueueDepth queue_depth() override;
  Statistics statistics() override;

 private:
  using Command = std::vector<std::string>;
  class Transaction;

  // The optimistic loop: WATCH key, GET it, `build` the writes from the stored text (false: nothing to
  // write), MULTI, the writes, EXEC; again while EXEC reports a conflict.
  void optimistic(const std::string& key,
                  const std::function<bool(const std::optional<std::string>&, Transaction&)>& build);
  // Ends a transaction left half-way by an exception, so the connection can serve the next one.
  void abandon();
  redis::Reply read(const Command& command);
  std::vector<redis::Reply> read_all(std::span<const Command> commands);  // one round trip

  std::string prefix_;
  std::function<double()> clock_;
  RedisJobQueue queue_;
  RedisLeaseManager leases_;
  std::mutex writer_mutex_;  // the writer connection runs one transaction at a time
  redis::Client writer_;
  redis::ClientPool readers_;
  redis::RevisionCache revisions_;
};

}  // namespace yv::store

// JobQueue on Redis, shared by gateways and workers on any number of hosts.
//
// Every transition is one Lua script, so it is atomic on the server: two workers can never lease the same
// job, and the fencing-token check is part of the same step that commits a result (job_queue.h). Layout under
// a key prefix (default "yv:"): a hash per job (<p>job:<id>), a sorted set of ready job ids per queue scored
// by when they become available (<p>ready:<queue>; delayed retries are just later scores), and sorted sets of
// leased jobs by lease end (<p>leased) and by time limit (<p>deadline) for the reaper. Sorted sets rather
// than Streams: delayed retries, fencing tokens and time limits need per-job state anyway, and a stream's
// pending list would be a second record of the same lease. Durability is Redis's: run it with appendonly yes
// (AOF). The scripts build key names from the prefix, so one Redis instance (or a primary with replicas), not
// a cluster. Time comes from the caller's clock, as in the SQLite queue.
//
// A command whose reply is lost (Redis killed after running it) may be sent again, by the client's one
// reconnect or by a caller that waits out the outage. No script changes anything more the second time
// (enqueue checks its fixed id; complete, fail, heartbeat and cancel check the job's state and token), and
// those whose answer the caller acts on give the same answer again: complete recognises its own result, and
// claim finds its first answer again under a claim id.
#pragma once

#include <functional>
#include <map>
#include <mutex>

#include "store/job_queue.h"
#include "store/redis/client_pool.h"
#include "store/redis/redis_client.h"

namespace yv::store {

class RedisJobQueue final : public JobQueue {
 public:
  // url: "redis://host:port[/db]". Throws yv::Error "state_unavailable" (503).
  explicit RedisJobQueue(const std::string& url, std::function<double()> clock = wall_clock,
                         std::string prefix = "yv:");

  int64_t enqueue(const std::string& queue, const nlohmann::json& payload, JobLimits limits) override;
  std::optional<Job> claim(const std::vector<std::string>& queues, const std::string& worker,
                           double lease_seconds) override;
  bool heartbeat(const Job& job, double lease_seconds, std::optional<double> progress,
                 const std::optional<std::string>& partial = {}) override;
  bool complete(const Job& job, const nlohmann::json& result) override;
  bool fail(const Job& job, const std::string& error, bool retry, double retry_delay_seconds) override;
  bool cancel(int64_t id, const std::string& reason) override;
  int reap() override;
  JobStatus status(int64_t id) override;

  // For callers that queue work inside their own MULTI/EXEC (store/redis/redis_state_store.h): a fresh job
  // id, and the commands that enqueue a job under it or cancel one (as enqueue() and cancel() do).
  int64_t next_id();
  std::vector<std::string> enqueue_command(int64_t id, const std::string& queue,
                                           const nlohmann::json& payload, JobLimits limits) const;
  std::vector<std::string> cancel_command(int64_t id, const std::string& reason) const;

 private:
  // The EVAL command running a script (with the shared helpers) on `args`.
  std::vector<std::string> script(const char* body, std::vector<std::string> args) const;
  redis::Reply run(const char* body, std::vector<std::string> args);

  std::mutex mutex_;  // one connection for the transitions, used by one thread at a time
  redis::Client client_;
  redis::ClientPool readers_;  // status(): gateways read jobs' states from many threads at once
  std::function<double()> clock_;
  std::string prefix_;
  // Claim ids: this queue's own random prefix and a count. A worker's claim that got no answer (the
  // connection was lost, perhaps after Redis ran it) keeps its id, and the worker's next claim sends it
  // again, so the script answers the job it may already have leased (kClaim).
  std::string instance_;
  int64_t claims_ = 0;
  std::map<std::string, std::string> unanswered_claims_;  // worker → claim id
};

}  // namespace yv::store

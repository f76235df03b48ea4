// The job queue: durable hand-off of work from the scheduler to workers, with leases.
//
// Delivery is at least once: a claimed job is leased to one worker for a while; the worker renews the lease
// with heartbeats while it runs; if it dies, the lease lapses and reap() makes the job claimable again.
// Completion is exactly once: each claim issues a new fencing token, and complete()/fail()/heartbeat() only
// take effect while the caller's token is still the job's current one, so a worker that was presumed dead and
// later wakes up cannot overwrite the result of the worker that took over. The same check stops cancelled and
// timed-out work: once a job leaves the leased state, its worker's next heartbeat is refused and the worker
// abandons the node.
//
// Implementations: store/sqlite/sqlite_job_queue.h (embedded) and store/redis/redis_job_queue.h (scale-out);
// both pass the same tests (tests/unit/job_queue_test.cc).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yv::store {

struct Job {
  int64_t id = 0;
  std::string queue;       // resource class the job needs: "cpu", "gpu", ...
  nlohmann::json payload;  // what to run (the engine's business, opaque here)
  int attempt = 0;         // 1 for the first delivery
  int64_t token = 0;       // fencing token of this delivery
};

enum class JobState { kReady, kLeased, kDone, kDead, kCancelled };

struct JobLimits {
  int max_attempts = 3;           // deliveries before the job is dead-lettered
  double time_limit_seconds = 0;  // per attempt, from its claim; 0: none
};

struct JobStatus {
  JobState state = JobState::kReady;
  int attempts = 0;
  std::string worker;                    // holder of the current or last lease
  std::optional<nlohmann::json> result;  // set when done
  std::optional<std::string> error;      // last failure
  std::optional<double> started_at;      // when the current or last attempt was claimed
  std::optional<double> finished_at;     // when it completed, was cancelled or last failed
  double progress = 0;                   // last fraction in [0, 1] reported by the running attempt
  // What the current or last attempt reported of its output before finishing (heartbeat()'s `partial`),
  // null when it reported none. Kept after the attempt ends, where the result supersedes it, and cleared when
  // the job is claimed again.
  nlohmann::json partial;
};

// Whether a job in this state will never run again (done, dead or cancelled).
inline bool job_ended(JobState state) { return state != JobState::kReady && state != JobState::kLeased; }

// The state's name as both backends store it ("ready", "leased", "done", "dead", "cancelled"), and back; an
// unknown name reads as dead.
JobState parse_job_state(std::string_view name);

// The state as the API shows a job: "queued" (ready), "running" (leased), "completed" (done), "failed"
// (dead), "cancelled".
const char* shown_state(JobState state);

// Seconds since the Unix epoch, as a double: the queues' default clock.
double wall_clock();

// The error reap() leaves on a job whose lease lapsed. It does not name the worker: its host name and pid
// are the deployment's business, not the clients' who read the error in a status answer. The job's worker
// (JobStatus::worker) and the log line of log_lapsed_lease keep them for the operator.
inline constexpr std::string_view kLeaseExpired = "lease expired: the worker running it stopped heartbeating";
// Logs that the lease of job `id`, held by `worker`, lapsed.
void log_lapsed_lease(int64_t id, const std::string& worker);

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // Adds a job; returns its id.
  virtual int64_t enqueue(const std::string& queue, const nlohmann::json& payload, JobLimits limits = {}) = 0;

  // Leases the oldest ready job of any of `queues` to `worker` for lease_seconds, or returns nothing.
  virtual std::optional<Job> claim(const std::vector<std::string>& queues, const std::string& worker,
                                   double lease_seconds) = 0;

  // Extends the lease and records the attempt's progress (a fraction in [0, 1]) when given, and its
  // `partial` output when given: a JSON document (the worker's bounded tail of finished transcript segments,
  // engine/partial_output.h) that replaces the one recorded before, so that readers in other processes (the
  // events route) can follow the output while the attempt runs. Returns false when the lease was lost
  // (redelivered, cancelled or timed out): stop working on it.
  virtual bool heartbeat(const Job& job, double lease_seconds, std::optional<double> progress = {},
                         const std::optional<std::string>& partial = {}) = 0;

  // Marks the job done with its result. Returns false, changing nothing, when the lease was lost.
  virtual bool complete(const Job& job, const nlohmann::json& result) = 0;

  // Records a failure. The job becomes ready again after retry_delay_seconds, or dead when it has used all
  // its attempts or `retry` is false. Returns false, changing nothing, when the lease was lost.
  virtual bool fail(const Job& job, const std::string& error, bool retry, double retry_delay_seconds = 0) = 0;

  // Cancels a ready or leased job (its worker stops at its next heartbeat). Returns false, changing nothing,
  // when the job had already finished.
  virtual bool cancel(int64_t id, const std::string& reason) = 0;

  // Reaper: leased jobs whose lease has lapsed become ready again (dead if out of attempts); leased jobs past
  // their time limit become dead with error "task_timeout: ...". Returns how many jobs changed.
  virtual int reap() = 0;

  // REQUIRES: id was returned by enqueue(). Throws yv::Error "job_not_found" (404) otherwise.
  virtual JobStatus status(int64_t id) = 0;
};

}  // namespace yv::store

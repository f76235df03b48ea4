// JobQueue on one SQLite table, shared by every process that opens the same database file.
//
// Claims, renewals and completions are single IMMEDIATE transactions, so two workers can never lease the same
// job, and the fencing token check is part of the same UPDATE that commits a result. Time comes from an
// injected clock (seconds) so that tests can move it without sleeping.
#pragma once

#include <functional>
#include <memory>

#include "store/job_queue.h"
#include "store/sqlite/database.h"

namespace yv::store {

class SqliteJobQueue final : public JobQueue {
 public:
  // Opens the database file and creates the table if needed.
  explicit SqliteJobQueue(const std::string& path, std::function<double()> clock = wall_clock);
  // Uses an open connection, so that callers can enqueue inside their own transaction on it.
  // REQUIRES: db outlives the queue.
  explicit SqliteJobQueue(sqlite::Database& db, std::function<double()> clock = wall_clock);

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

 private:
  std::unique_ptr<sqlite::Database> owned_;
  sqlite::Database& db_;
  std::function<double()> clock_;
};

}  // namespace yv::store

// StateStore on the embedded SQLite database (the tables of store/sqlite/schema.cc), shared by the server and
// its worker processes through one file.
//
// Updates run in one IMMEDIATE transaction on a writer connection, together with the jobs they queue (the
// queue's table is in the same file), so they never conflict and run once. Reads (status routes, the hot
// path) use one connection per calling thread, so they proceed in parallel with each other and with the
// writer (WAL). queue() is the same queue on the writer connection, serialised with the updates.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "store/sqlite/database.h"
#include "store/sqlite/sqlite_job_queue.h"
#include "store/sqlite/sqlite_lease_manager.h"
#include "store/state_store.h"

namespace yv::store {

class SqliteStateStore final : public StateStore {
 public:
  // Opens (creating if needed) the database file. Throws yv::Error "state_store_error" (503).
  explicit SqliteStateStore(const std::string& path, std::function<double()> clock = wall_clock);
  ~SqliteStateStore() override;

  JobQueue& queue() override { return *shared_queue_; }
  LeaseManager& leases() override { return leases_; }
  void worker_beat(const std::string& name, const nlohmann::json& beat) override;
  std::vector<WorkerBeat> worker_beats() override;
  JobStatus job(int64_t id) override;
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
  struct Connection {
    explicit Connection(const std::string& path, const std::function<double()>& clock)
        : db(path), queue(db, clock) {}
    sqlite::Database db;
    SqliteJobQueue queue;
  };
  class Transaction;
  class SharedQueue;

  Connection& reader();  // this thread's read connection, opened on first use

  std::string path_;
  std::function<double()> clock_;
  std::mutex writer_mutex_;  // the writer connection runs one transaction at a time
  Connection writer_;
  std::unique_ptr<JobQueue> shared_queue_;
  SqliteLeaseManager leases_;
  std::mutex readers_mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> readers_;
};

}  // namespace yv::store

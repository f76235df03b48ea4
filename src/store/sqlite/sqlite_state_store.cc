#include "store/sqlite/sqlite_state_store.h"

#include "core/ids.h"
#include "core/json_util.h"
#include "store/sqlite/schema.h"

namespace yv::store {
namespace {

using nlohmann::json;

std::optional<std::string> text_of(const json& value) {
  return value.is_null() ? std::nullopt : std::optional<std::string>(value.dump());
}

// The first column of every row of `sql`.
std::vector<std::string> first_column(sqlite::Database& db, const char* sql) {
  auto q = db.prepare(sql);
  std::vector<std::string> values;
  while (q.step()) values.push_back(q.text_at(0));
  return values;
}

constexpr const char* kWorkflowColumns =
    "workflow_id, status, request, error, callback, notify, created_at, updated_at";

WorkflowRecord workflow_from_row(sqlite::Database& db, const sqlite::Statement& row) {
  WorkflowRecord w;
  w.id = row.text_at(0);
  w.status = row.text_at(1);
  w.request = json::parse(row.text_at(2));
  w.error = row.optional_text_at(3);
  w.callback = row.optional_text_at(4);
  w.notify = row.int_at(5) != 0;
  w.created_at = row.double_at(6);
  w.updated_at = row.double_at(7);
  auto q = db.prepare(
      "SELECT task_name, status, input, output, error, COALESCE(job_id, 0), history FROM stages "
      "WHERE workflow_id = ?1 ORDER BY idx");
  q.bind(1, w.id);
  while (q.step()) {
    w.stages.push_back({q.text_at(0), q.text_at(1), json_or_null(q.optional_text_at(2)),
                        json_or_null(q.optional_text_at(3)), q.optional_text_at(4), q.int_at(5),
                        json::parse(q.text_at(6))});
  }
  return w;
}

std::optional<WorkflowRecord> load_workflow(sqlite::Database& db, const std::string& id) {
  auto q = db.prepare(std::string("SELECT ") + kWorkflowColumns + " FROM workflows WHERE workflow_id = ?1");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return workflow_from_row(db, q);
}

// Writes `after` over `before` (nullopt: a new workflow): the workflow row and the stages that changed.
void save_workflow(sqlite::Database& db, const WorkflowRecord& after,
                   const std::optional<WorkflowRecord>& before) {
  db.prepare(
        "INSERT INTO workflows (workflow_id, status, request, error, callback, notify, created_at, "
        "updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (workflow_id) DO UPDATE SET status = ?2, "
        "request = ?3, error = ?4, callback = ?5, notify = ?6, created_at = ?7, updated_at = ?8")
      .bind(1, after.id)
      .bind(2, after.status)
      .bind(3, after.request.dump())
      .bind_optional(4, after.error)
      .bind_optional(5, after.callback)
      .bind(6, int64_t(after.notify))
      .bind(7, after.created_at)
      .bind(8, after.updated_at)
      .run();
  db.prepare("DELETE FROM stages WHERE workflow_id = ?1 AND idx >= ?2")
      .bind(1, after.id)
      .bind(2, int64_t(after.stages.size()))
      .run();
  for (size_t i = 0; i < after.stages.size(); ++i) {
    const StageRecord& s = after.stages[i];
    if (before && i < before->stages.size() && before->stages[i] == s) continue;
    auto upsert = db.prepare(
        "INSERT INTO stages (workflow_id, idx, task_name, status, input, output, error, job_id, history) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (workflow_id, idx) DO UPDATE SET "
        "task_name = ?3, status = ?4, input = ?5, output = ?6, error = ?7, job_id = ?8, history = ?9");
    upsert.bind(1, after.id)
        .bind(2, int64_t(i))
        .bind(3, s.task_name)
        .bind(4, s.status)
        .bind_optional(5, text_of(s.input))
        .bind_optional(6, text_of(s.output))
        .bind_optional(7, s.error)
        .bind(9, s.history.dump());
    s.job_id ? upsert.bind(8, s.job_id) : upsert.bind_null(8);
    upsert.run();
  }
}

std::optional<TaskRecord> load_task(sqlite::Database& db, const std::string& id) {
  auto q = db.prepare(
      "SELECT task_name, input, job_id, callback, notify, created_at FROM tasks WHERE task_id = ?1");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return TaskRecord{
      id, q.text_at(0), q.text_at(1), q.int_at(2), q.optional_text_at(3), q.int_at(4) != 0, q.double_at(5)};
}

void save_task(sqlite::Database& db, const TaskRecord& t) {
  db.prepare(
        "INSERT INTO tasks (task_id, task_name, input, job_id, callback, notify, created_at) VALUES (?1, ?2, "
        "?3, ?4, ?5, ?6, ?7) ON CONFLICT (task_id) DO UPDATE SET task_name = ?2, input = ?3, job_id = ?4, "
        "callback = ?5, notify = ?6, created_at = ?7")
      .bind(1, t.id)
      .bind(2, t.task_name)
      .bind(3, t.input)
      .bind(4, t.job_id)
      .bind_optional(5, t.callback)
      .bind(6, int64_t(t.notify))
      .bind(7, t.created_at)
      .run();
}

constexpr const char* kCallbackColumns =
    "id, kind, owner_id, url, body, status, attempts, next_at, last_error, delivered_at";

CallbackRecord callback_from_row(const sqlite::Statement& q) {
  return {q.int_at(0),  q.text_at(1),     q.text_at(2),   q.text_at(3),          q.text_at(4),
          q.text_at(5), int(q.int_at(6)), q.double_at(7), q.optional_text_at(8), q.optional_double_at(9)};
}

}  // namespace

// Changes inside the writer's transaction: the queue and the callbacks table are in the same database.
class SqliteStateStore::Transaction final : public Changes {
 public:
  Transaction(Connection& c, const std::function<double()>& clock) : c_(c), clock_(clock) {}
  int64_t enqueue(const std::string& queue, const json& payload, JobLimits limits) override {
    return c_.queue.enqueue(queue, payload, limits);
  }
  void cancel(int64_t job_id, const std::string& reason) override { c_.queue.cancel(job_id, reason); }
  void add_callback(const std::string& kind, const std::string& owner_id, const std::string& url,
                    json body) override {
    const double now = clock_();
    body["timestamp"] = iso8601(now);
    c_.db
        .prepare(
            "INSERT INTO callbacks (kind, owner_id, url, body, status, next_at, created_at) "
            "VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)")
        .bind(1, kind)
        .bind(2, owner_id)
        .bind(3, url)
        .bind(4, body.dump())
        .bind(5, now)
        .run();
  }

 private:
  Connection& c_;
  const std::function<double()>& clock_;
};

// queue() for any thread: the writer's queue, one call at a time with the updates.
class SqliteStateStore::SharedQueue final : public JobQueue {
 public:
  SharedQueue(std::mutex& mutex, JobQueue& queue) : mutex_(mutex), queue_(queue) {}
  int64_t enqueue(const std::string& queue, const json& payload, JobLimits limits) override {
    std::lock_guard lock(mutex_);
    return queue_.enqueue(queue, payload, limits);
  }
  std::optional<Job> claim(const std::vector<std::string>& queues, const std::string& worker,
                           double lease_seconds) override {
    std::lock_guard lock(mutex_);
    return queue_.claim(queues, worker, lease_seconds);
  }
  bool heartbeat(const Job& job, double lease_seconds, std::optional<double> progress,
                 const std::optional<std::string>& partial) override {
    std::lock_guard lock(mutex_);
    return queue_.heartbeat(job, lease_seconds, progress, partial);
  }
  bool complete(const Job& job, const json& result) override {
    std::lock_guard lock(mutex_);
    return queue_.complete(job, result);
  }
  bool fail(const Job& job, const std::string& error, bool retry, double retry_delay_seconds) override {
    std::lock_guard lock(mutex_);
    return queue_.fail(job, error, retry, retry_delay_seconds);
  }
  bool cancel(int64_t id, const std::string& reason) override {
    std::lock_guard lock(mutex_);
    return queue_.cancel(id, reason);
  }
  int reap() override {
    std::lock_guard lock(mutex_);
    return queue_.reap();
  }
  JobStatus status(int64_t id) override {
    std::lock_guard lock(mutex_);
    return queue_.status(id);
  }

 private:
  std::mutex& mutex_;
  JobQueue& queue_;
};

SqliteStateStore::SqliteStateStore(const std::string& path, std::function<double()> clock)
    : path_(path),
      clock_(std::move(clock)),
      writer_(path, clock_),
      shared_queue_(std::make_unique<SharedQueue>(writer_mutex_, writer_.queue)),
      leases_(path, clock_) {}

SqliteStateStore::~SqliteStateStore() = default;

SqliteStateStore::Connection& SqliteStateStore::reader() {
  std::lock_guard lock(readers_mutex_);
  auto& c = readers_[std::this_thread::get_id()];
  if (!c) c = std::make_unique<Connection>(path_, clock_);
  return *c;
}

JobStatus SqliteStateStore::job(int64_t id) { return reader().queue.status(id); }

void SqliteStateStore::update_workflow(const std::string& id, const WorkflowUpdate& update) {
  std::lock_guard lock(writer_mutex_);
  writer_.db.transaction([&] {
    const std::optional<WorkflowRecord> before = load_workflow(writer_.db, id);
    std::optional<WorkflowRecord> after = before;
    Transaction changes(writer_, clock_);
    update(after, changes);
    if (after && after != before) {
      advance_revision(before, *after);
      save_workflow(writer_.db, *after, before);
    }
  });
}

std::optional<WorkflowRecord> SqliteStateStore::workflow(const std::string& id) {
  sqlite::Database& db = reader().db;
  return db.snapshot([&] { return load_workflow(db, id); });
}

std::optional<double> SqliteStateStore::workflow_revision(const std::string& id) {
  auto q = reader().db.prepare("SELECT updated_at FROM workflows WHERE workflow_id = ?1");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return q.double_at(0);
}

std::vector<WorkflowRecord> SqliteStateStore::workflows_before(double time, const std::string& id,
                                                               int limit) {
  sqlite::Database& db = reader().db;
  return db.snapshot([&] {
    auto q =
        db.prepare(std::string("SELECT ") + kWorkflowColumns +
                   " FROM workflows WHERE (created_at, workflow_id) < (?1, ?2) ORDER BY created_at DESC, "
                   "workflow_id DESC LIMIT ?3");
    q.bind(1, time).bind(2, id).bind(3, int64_t(limit));
    std::vector<WorkflowRecord> page;
    while (q.step()) page.push_back(workflow_from_row(db, q));
    return page;
  });
}

std::vector<std::string> SqliteStateStore::running_workflows() {
  return first_column(reader().db, "SELECT workflow_id FROM workflows WHERE status = 'running'");
}

void SqliteStateStore::update_task(const std::string& id, const TaskUpdate& update) {
  std::lock_guard lock(writer_mutex_);
  writer_.db.transaction([&] {
    const std::optional<TaskRecord> before = load_task(writer_.db, id);
    std::optional<TaskRecord> after = before;
    Transaction changes(writer_, clock_);
    update(after, changes);
    if (after && after != before) save_task(writer_.db, *after);
  });
}

std::optional<TaskRecord> SqliteStateStore::task(const std::string& id) { return load_task(reader().db, id); }

std::vector<std::string> SqliteStateStore::to_notify(const std::string& kind) {
  return first_column(reader().db, kind == "workflow" ? "SELECT workflow_id FROM workflows WHERE notify = 1"
                                                      : "SELECT task_id FROM tasks WHERE notify = 1");
}

std::vector<CallbackRecord> SqliteStateStore::claim_callbacks(double now, int limit, double claim_seconds) {
  std::lock_guard lock(writer_mutex_);
  sqlite::Database& db = writer_.db;
  return db.transaction([&] {
    std::vector<CallbackRecord> due;
    {
      auto q =
          db.prepare(std::string("SELECT ") + kCallbackColumns +
                     " FROM callbacks WHERE status = 'pending' AND next_at <= ?1 ORDER BY next_at LIMIT ?2");
      q.bind(1, now).bind(2, int64_t(limit));
      while (q.step()) due.push_back(callback_from_row(q));
    }
    for (const auto& c : due) {
      db.prepare("UPDATE callbacks SET next_at = ?2 WHERE id = ?1")
          .bind(1, c.id)
          .bind(2, now + claim_seconds)
          .run();
    }
    return due;
  });
}

void SqliteStateStore::record_attempt(const CallbackRecord& c) {
  std::lock_guard lock(writer_mutex_);
  writer_.db
      .prepare(
          "UPDATE callbacks SET status = ?2, attempts = ?3, next_at = ?4, last_error = ?5, delivered_at = ?6 "
          "WHERE id = ?1")
      .bind(1, c.id)
      .bind(2, c.status)
      .bind(3, int64_t(c.attempts))
      .bind(4, c.next_at)
      .bind_optional(5, c.last_error)
      .bind_optional(6, c.delivered_at)
      .run();
}

std::optional<CallbackRecord> SqliteStateStore::latest_callback(const std::string& kind,
                                                                const std::string& owner_id) {
  auto q = reader().db.prepare(std::string("SELECT ") + kCallbackColumns +
                               " FROM callbacks WHERE kind = ?1 AND owner_id = ?2 ORDER BY id DESC LIMIT 1");
  q.bind(1, kind).bind(2, owner_id);
  if (!q.step()) return std::nullopt;
  return callback_from_row(q);
}

void SqliteStateStore::worker_beat(const std::string& name, const json& beat) {
  std::lock_guard lock(writer_mutex_);
  writer_.db
      .prepare(
          "INSERT INTO workers (name, beat, seen_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE SET "
          "beat = "
          "?2, seen_at = ?3")
      .bind(1, name)
      .bind(2, beat.dump())
      .bind(3, clock_())
      .run();
}

std::vector<WorkerBeat> SqliteStateStore::worker_beats() {
  auto q = reader().db.prepare("SELECT name, beat, seen_at FROM workers ORDER BY seen_at");
  std::vector<WorkerBeat> beats;
  while (q.step()) beats.push_back({q.text_at(0), json::parse(q.text_at(1)), q.double_at(2)});
  return beats;
}

QueueDepth SqliteStateStore::queue_depth() {
  auto q = reader().db.prepare(
      "SELECT queue, state, count(*) FROM jobs WHERE state IN ('ready', 'leased') GROUP BY queue, state");
  QueueDepth depth;
  while (q.step()) depth[{q.text_at(0), q.text_at(1)}] = q.int_at(2);
  return depth;
}

Statistics SqliteStateStore::statistics() {
  sqlite::Database& db = reader().db;
  return db.snapshot([&] {
    Statistics s;
    s.queue_depth = queue_depth();
    auto runs = db.prepare(
        "SELECT json_extract(payload, '$.task_name'), state, attempts, finished_at - started_at FROM jobs "
        "WHERE state IN ('done', 'dead', 'cancelled')");
    while (runs.step()) {
      Statistics::NodeRuns& r = s.node_runs[{runs.text_at(0), runs.text_at(1)}];
      ++r.runs;
      r.attempts += runs.int_at(2);
      if (runs.text_at(1) == "done") r.seconds.push_back(runs.optional_double_at(3).value_or(0));
    }
    auto workflows = db.prepare("SELECT status, count(*) FROM workflows GROUP BY status");
    while (workflows.step()) s.workflows[workflows.text_at(0)] = workflows.int_at(1);
    auto callbacks = db.prepare("SELECT status, count(*) FROM callbacks GROUP BY status");
    while (callbacks.step()) s.callbacks[callbacks.text_at(0)] = callbacks.int_at(1);
    return s;
  });
}

}  // namespace yv::store

#include "store/sqlite/sqlite_job_queue.h"

#include "core/error.h"
#include "store/sqlite/schema.h"

namespace yv::store {

SqliteJobQueue::SqliteJobQueue(const std::string& path, std::function<double()> clock)
    : owned_(std::make_unique<sqlite::Database>(path)), db_(*owned_), clock_(std::move(clock)) {
  sqlite::ensure_schema(db_);
}

SqliteJobQueue::SqliteJobQueue(sqlite::Database& db, std::function<double()> clock)
    : db_(db), clock_(std::move(clock)) {
  sqlite::ensure_schema(db_);
}

int64_t SqliteJobQueue::enqueue(const std::string& queue, const nlohmann::json& payload, JobLimits limits) {
  const double now = clock_();
  auto insert = db_.prepare(
      "INSERT INTO jobs (queue, payload, state, max_attempts, time_limit, available_at, created_at) "
      "VALUES (?1, ?2, 'ready', ?3, ?5, ?4, ?4) RETURNING id");
  insert.bind(1, queue)
      .bind(2, payload.dump())
      .bind(3, int64_t(std::max(1, limits.max_attempts)))
      .bind(4, now)
      .bind(5, std::max(0.0, limits.time_limit_seconds));
  insert.step();
  return insert.int_at(0);
}

std::optional<Job> SqliteJobQueue::claim(const std::vector<std::string>& queues, const std::string& worker,
                                         double lease_seconds) {
  if (queues.empty()) return std::nullopt;
  std::string in_list;  // parameters ?4, ?5, ... hold the queue names
  for (size_t i = 0; i < queues.size(); ++i) in_list += (i ? ", ?" : "?") + std::to_string(i + 4);
  // Idle workers poll often; a plain read first means they do not take the write lock while there is no work.
  // The statement is finished before the transaction: an open read would make BEGIN IMMEDIATE fail with
  // SQLITE_BUSY (its snapshot may be stale) instead of waiting.
  {
    auto ready =
        db_.prepare("SELECT 1 FROM jobs WHERE state = 'ready' AND available_at <= ?1 AND queue IN (" +
                    in_list + ") LIMIT 1");
    ready.bind(1, clock_());
    for (size_t i = 0; i < queues.size(); ++i) ready.bind(int(i) + 4, queues[i]);
    if (!ready.step()) return std::nullopt;
  }
  return db_.transaction([&]() -> std::optional<Job> {
    const double now = clock_();
    auto pick = db_.prepare(
        "UPDATE jobs SET state = 'leased', attempts = attempts + 1, token = token + 1, worker = ?1, "
        "lease_until = ?2, started_at = ?3, progress = 0, partial = NULL, "
        "deadline = CASE WHEN time_limit > 0 THEN ?3 + time_limit END WHERE id = (SELECT id FROM jobs WHERE "
        "state = 'ready' AND "
        "available_at <= ?3 "
        "AND queue IN (" +
        in_list + ") ORDER BY available_at, id LIMIT 1) RETURNING id, queue, payload, attempts, token");
    pick.bind(1, worker).bind(2, now + lease_seconds).bind(3, now);
    for (size_t i = 0; i < queues.size(); ++i) pick.bind(int(i) + 4, queues[i]);
    if (!pick.step()) return std::nullopt;
    return Job{pick.int_at(0), pick.text_at(1), nlohmann::json::parse(pick.text_at(2)), int(pick.int_at(3)),
               pick.int_at(4)};
  });
}

bool SqliteJobQueue::heartbeat(const Job& job, double lease_seconds, std::optional<double> progress,
                               const std::optional<std::string>& partial) {
  auto update = db_.prepare(
      "UPDATE jobs SET lease_until = ?1, progress = COALESCE(?4, progress), partial = COALESCE(?5, partial) "
      "WHERE id = ?2 AND token = ?3 AND state = 'leased'");
  update.bind(1, clock_() + lease_seconds).bind(2, job.id).bind(3, job.token);
  progress ? update.bind(4, std::clamp(*progress, 0.0, 1.0)) : update.bind_null(4);
  partial ? update.bind(5, *partial) : update.bind_null(5);
  update.run();
  return db_.changes() == 1;
}

bool SqliteJobQueue::complete(const Job& job, const nlohmann::json& result) {
  db_.prepare(
         "UPDATE jobs SET state = 'done', result = ?1, lease_until = NULL, finished_at = ?4, progress = 1 "
         "WHERE id = ?2 AND token = ?3 AND state = 'leased'")
      .bind(1, result.dump())
      .bind(2, job.id)
      .bind(3, job.token)
      .bind(4, clock_())
      .run();
  return db_.changes() == 1;
}

bool SqliteJobQueue::fail(const Job& job, const std::string& error, bool retry, double retry_delay_seconds) {
  const double now = clock_();
  db_.prepare(
         "UPDATE jobs SET state = CASE WHEN ?1 AND attempts < max_attempts THEN 'ready' ELSE 'dead' END, "
         "error = ?2, available_at = ?3, lease_until = NULL, finished_at = ?6 "
         "WHERE id = ?4 AND token = ?5 AND state = 'leased'")
      .bind(1, int64_t(retry))
      .bind(2, error)
      .bind(3, now + retry_delay_seconds)
      .bind(4, job.id)
      .bind(5, job.token)
      .bind(6, now)
      .run();
  return db_.changes() == 1;
}

bool SqliteJobQueue::cancel(int64_t id, const std::string& reason) {
  db_.prepare(
         "UPDATE jobs SET state = 'cancelled', error = ?2, lease_until = NULL, finished_at = ?3 "
         "WHERE id = ?1 AND state IN ('ready', 'leased')")
      .bind(1, id)
      .bind(2, reason)
      .bind(3, clock_())
      .run();
  return db_.changes() == 1;
}

int SqliteJobQueue::reap() {
  const double now = clock_();
  return db_.transaction([&] {
    // Timeouts first: a job past its time limit is dead even if its worker still heartbeats.
    db_.prepare(
           "UPDATE jobs SET state = 'dead', error = 'task_timeout: the node ran past its time limit of ' || "
           "CAST(time_limit AS INTEGER) || ' s', lease_until = NULL, finished_at = ?1 "
           "WHERE state = 'leased' AND deadline < ?1")
        .bind(1, now)
        .run();
    int changed = int(db_.changes());
    auto lapsed =
        db_.prepare("SELECT id, COALESCE(worker, '?') FROM jobs WHERE state = 'leased' AND lease_until < ?1");
    lapsed.bind(1, now);
    while (lapsed.step()) log_lapsed_lease(lapsed.int_at(0), lapsed.text_at(1));
    db_.prepare(
           "UPDATE jobs SET state = CASE WHEN attempts < max_attempts THEN 'ready' ELSE 'dead' END, "
           "error = ?2, available_at = ?1, lease_until = NULL, finished_at = ?1 "
           "WHERE state = 'leased' AND lease_until < ?1")
        .bind(1, now)
        .bind(2, std::string_view(kLeaseExpired))
        .run();
    return changed + int(db_.changes());
  });
}

JobStatus SqliteJobQueue::status(int64_t id) {
  auto q = db_.prepare(
      "SELECT state, attempts, COALESCE(worker, ''), result, error, started_at, finished_at, progress, "
      "partial "
      "FROM jobs WHERE id = ?1");
  q.bind(1, id);
  if (!q.step()) throw Error("job_not_found", "no job " + std::to_string(id), 404);
  JobStatus s;
  s.state = parse_job_state(q.text_at(0));
  s.attempts = int(q.int_at(1));
  s.worker = q.text_at(2);
  if (auto result = q.optional_text_at(3)) s.result = nlohmann::json::parse(*result);
  s.error = q.optional_text_at(4);
  s.started_at = q.optional_double_at(5);
  s.finished_at = q.optional_double_at(6);
  s.progress = q.double_at(7);
  if (auto partial = q.optional_text_at(8)) s.partial = nlohmann::json::parse(*partial);
  return s;
}

}  // namespace yv::store

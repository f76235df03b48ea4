#include "store/sqlite/sqlite_lease_manager.h"

#include "store/sqlite/schema.h"

namespace yv::store {
namespace {

constexpr int kHistoryKept = 100;

}  // namespace

SqliteLeaseManager::SqliteLeaseManager(const std::string& path, std::function<double()> clock)
    : db_(path), clock_(std::move(clock)) {
  sqlite::ensure_schema(db_);
}

std::optional<Lease> SqliteLeaseManager::held(const std::string& key) {
  auto q = db_.prepare(
      "SELECT holder, task_name, token, acquired_at, expires_at FROM leases WHERE key = ?1 AND holder IS NOT "
      "NULL");
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return Lease{key, q.text_at(0), q.text_at(1), q.int_at(2), q.double_at(3), q.double_at(4)};
}

void SqliteLeaseManager::log(const std::string& event, const Lease& lease, double at) {
  db_.prepare(
         "INSERT INTO lease_events (key, event, holder, task_name, token, at) VALUES (?1, ?2, ?3, ?4, ?5, "
         "?6)")
      .bind(1, lease.key)
      .bind(2, event)
      .bind(3, lease.holder)
      .bind(4, lease.task_name)
      .bind(5, lease.token)
      .bind(6, at)
      .run();
  db_.prepare(
         "DELETE FROM lease_events WHERE key = ?1 AND id <= (SELECT id FROM lease_events WHERE key = ?1 "
         "ORDER "
         "BY id DESC LIMIT 1 OFFSET ?2)")
      .bind(1, lease.key)
      .bind(2, int64_t(kHistoryKept))
      .run();
}

void SqliteLeaseManager::free(const Lease& lease, const std::string& event, double at) {
  db_.prepare(
         "UPDATE leases SET holder = NULL, task_name = NULL, acquired_at = NULL, expires_at = NULL WHERE key "
         "= ?1")
      .bind(1, lease.key)
      .run();
  log(event, lease, at);
}

std::optional<Lease> SqliteLeaseManager::acquire(const std::string& key, const std::string& holder,
                                                 const std::string& task_name, double ttl_seconds) {
  std::lock_guard lock(mutex_);
  return db_.transaction([&]() -> std::optional<Lease> {
    const double now = clock_();
    if (const auto old = held(key)) {
      if (old->expires_at >= now) return std::nullopt;
      free(*old, "expired", now);
    }
    auto take = db_.prepare(
        "INSERT INTO leases (key, holder, task_name, token, acquired_at, expires_at) VALUES (?1, ?2, ?3, 1, "
        "?4, "
        "?5) ON CONFLICT (key) DO UPDATE SET holder = ?2, task_name = ?3, token = token + 1, acquired_at = "
        "?4, "
        "expires_at = ?5 RETURNING token");
    take.bind(1, key).bind(2, holder).bind(3, task_name).bind(4, now).bind(5, now + ttl_seconds);
    take.step();
    const Lease lease{key, holder, task_name, take.int_at(0), now, now + ttl_seconds};
    log("acquired", lease, now);
    return lease;
  });
}

bool SqliteLeaseManager::renew(const Lease& lease, double ttl_seconds) {
  std::lock_guard lock(mutex_);
  const double now = clock_();
  db_.prepare(
         "UPDATE leases SET expires_at = ?3 WHERE key = ?1 AND token = ?2 AND holder IS NOT NULL AND "
         "expires_at >= ?4")
      .bind(1, lease.key)
      .bind(2, lease.token)
      .bind(3, now + ttl_seconds)
      .bind(4, now)
      .run();
  return db_.changes() == 1;
}

bool SqliteLeaseManager::release(const Lease& lease) {
  std::lock_guard lock(mutex_);
  return db_.transaction([&] {
    const auto now_held = held(lease.key);
    if (!now_held || now_held->token != lease.token) return false;
    free(*now_held, "released", clock_());
    return true;
  });
}

std::optional<Lease> SqliteLeaseManager::force_release(const std::string& key) {
  std::lock_guard lock(mutex_);
  return db_.transaction([&]() -> std::optional<Lease> {
    const auto old = held(key);
    if (old) free(*old, "forced", clock_());
    return old;
  });
}

std::optional<Lease> SqliteLeaseManager::current(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto lease = held(key);
  if (lease && lease->expires_at < clock_()) return std::nullopt;
  return lease;
}

std::vector<LeaseEvent> SqliteLeaseManager::history(const std::string& key, int limit) {
  std::lock_guard lock(mutex_);
  auto q = db_.prepare(
      "SELECT at, event, holder, task_name, token FROM lease_events WHERE key = ?1 ORDER BY id DESC LIMIT "
      "?2");
  q.bind(1, key).bind(2, int64_t(limit));
  std::vector<LeaseEvent> events;
  while (q.step()) events.push_back({q.double_at(0), q.text_at(1), q.text_at(2), q.text_at(3), q.int_at(4)});
  return events;
}

std::vector<std::string> SqliteLeaseManager::keys() {
  std::lock_guard lock(mutex_);
  auto q = db_.prepare("SELECT key FROM leases ORDER BY key");
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text_at(0));
  return out;
}

}  // namespace yv::store

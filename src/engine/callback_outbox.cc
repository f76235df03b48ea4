#include "engine/callback_outbox.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "core/ids.h"
#include "core/json_util.h"
#include "engine/task_service.h"
#include "engine/workflow_view.h"
#include "store/sqlite/sqlite_job_queue.h"

namespace yv::engine {
namespace {

using nlohmann::json;

constexpr double kMaxDelaySeconds = 600;

}  // namespace

OutboxOptions OutboxOptions::from_environment() {
  OutboxOptions o;
  o.policy = net::WebhookPolicy::from_environment();
  if (const char* base = std::getenv("YIVIDEO_CALLBACK_RETRY_BASE")) {
    const double seconds = std::atof(base);
    if (seconds > 0) o.retry_base_seconds = seconds;
  }
  return o;
}

CallbackOutbox::CallbackOutbox(const std::string& db_path, OutboxOptions options)
    : db_(db_path), queue_(db_), options_(std::move(options)) {}

void add_callback(sqlite::Database& db, const std::string& kind, const std::string& owner_id,
                  const std::string& url, json body) {
  const double now = store::wall_clock();
  body["timestamp"] = iso8601(now);
  db.prepare(
        "INSERT INTO callbacks (kind, owner_id, url, body, status, next_at, created_at) "
        "VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)")
      .bind(1, kind)
      .bind(2, owner_id)
      .bind(3, url)
      .bind(4, body.dump())
      .bind(5, now)
      .run();
}

int CallbackOutbox::collect() {
  return db_.transaction([&] {
    int added = 0;
    auto workflows = db_.prepare(
        "SELECT workflow_id, callback FROM workflows WHERE notify = 1 AND status IN ('completed', 'failed', "
        "'cancelled')");
    std::vector<std::pair<std::string, std::string>> due;
    while (workflows.step()) due.emplace_back(workflows.text_at(0), workflows.text_at(1));
    for (const auto& [id, url] : due) {
      const json view = workflow_view(db_, id);
      add_callback(db_, "workflow", id, url,
                   {{"workflow_id", id},
                    {"status", view["status"]},
                    {"stages", view["stages"]},
                    {"error", view["error"]}});
      db_.prepare("UPDATE workflows SET notify = 0 WHERE workflow_id = ?1").bind(1, id).run();
      ++added;
    }
    due.clear();
    auto tasks = db_.prepare(
        "SELECT t.task_id, t.callback FROM tasks t JOIN jobs j ON j.id = t.job_id WHERE t.notify = 1 AND "
        "j.state IN ('done', 'dead', 'cancelled')");
    while (tasks.step()) due.emplace_back(tasks.text_at(0), tasks.text_at(1));
    for (const auto& [id, url] : due) {
      const json view = task_view(db_, queue_, id);
      add_callback(db_, "task", id, url,
                   {{"task_id", id},
                    {"status", view["status"]},
                    {"result", view["result"]},
                    {"error", view["error"]}});
      db_.prepare("UPDATE tasks SET notify = 0 WHERE task_id = ?1").bind(1, id).run();
      ++added;
    }
    return added;
  });
}

int CallbackOutbox::deliver_due() {
  struct Due {
    int64_t id;
    std::string url, body;
    int attempts;
  };
  std::vector<Due> due;
  auto q = db_.prepare(
      "SELECT id, url, body, attempts FROM callbacks WHERE status = 'pending' AND next_at <= ?1 ORDER BY "
      "next_at "
      "LIMIT 32");
  q.bind(1, store::wall_clock());
  while (q.step()) due.push_back({q.int_at(0), q.text_at(1), q.text_at(2), int(q.int_at(3))});
  int delivered = 0;
  for (const Due& d : due) {
    // No transaction is held while the network is in use.
    const net::WebhookResult r = net::post_webhook(d.url, d.body, options_.policy);
    const int attempts = d.attempts + 1;
    const double now = store::wall_clock();
    const double delay =
        std::min(kMaxDelaySeconds, options_.retry_base_seconds * std::pow(2.0, attempts - 1));
    const char* status = r.delivered ? "delivered" : attempts >= options_.max_attempts ? "failed" : "pending";
    auto update = db_.prepare(
        "UPDATE callbacks SET status = ?2, attempts = ?3, next_at = ?4, last_error = ?5, delivered_at = ?6 "
        "WHERE id = ?1");
    update.bind(1, d.id).bind(2, status).bind(3, int64_t(attempts)).bind(4, now + delay);
    r.delivered ? update.bind_null(5) : update.bind(5, r.error);
    r.delivered ? update.bind(6, now) : update.bind_null(6);
    update.run();
    if (r.delivered) {
      ++delivered;
    } else {
      spdlog::warn("callback {} to {}: attempt {} failed: {}", d.id, d.url, attempts, r.error);
    }
  }
  return delivered;
}

json callback_status(sqlite::Database& db, const std::string& kind, const std::string& owner_id,
                     bool has_callback) {
  if (!has_callback) return nullptr;
  auto q = db.prepare(
      "SELECT status, attempts, last_error, delivered_at FROM callbacks WHERE kind = ?1 AND owner_id = ?2 "
      "ORDER BY id DESC LIMIT 1");
  q.bind(1, kind).bind(2, owner_id);
  // Until the run ends there is nothing to send yet: the callback is pending.
  if (!q.step())
    return {{"status", "pending"}, {"attempts", 0}, {"last_error", nullptr}, {"delivered_at", nullptr}};
  return {{"status", q.text_at(0)},
          {"attempts", q.int_at(1)},
          {"last_error", text_or_null(q.optional_text_at(2))},
          {"delivered_at", time_or_null(q.optional_double_at(3))}};
}

}  // namespace yv::engine

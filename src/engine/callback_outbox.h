// The callback outbox (api-contract.md §5): webhooks for finished workflows and tasks, delivered at least
// once, persistently.
//
// A workflow or task submitted with a callback is marked `notify`. When it ends (completed, failed or
// cancelled), collect() writes a row with the body to send — a snapshot taken at that moment — and clears
// the mark in the same transaction, so each run is announced exactly once however many processes look.
// deliver_due() POSTs due rows; a failed attempt is retried with exponential back-off (base, doubling, capped
// at ten minutes) up to max_attempts, then the row is marked failed. Rows live in the state database, so
// delivery resumes after a restart. The outcome is shown as `callback_status` on the status routes.
//
// One deliverer per database (the embedded server); the scale-out deployment will claim rows like jobs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "net/webhook.h"
#include "store/sqlite/database.h"
#include "store/sqlite/sqlite_job_queue.h"

namespace yv::engine {

struct OutboxOptions {
  net::WebhookPolicy policy;
  double retry_base_seconds = 2;  // first retry after this, then doubling
  int max_attempts = 10;

  // The policy from the environment, and $YIVIDEO_CALLBACK_RETRY_BASE (seconds) when set.
  static OutboxOptions from_environment();
};

class CallbackOutbox {
 public:
  // Opens its own connection to the database file.
  CallbackOutbox(const std::string& db_path, OutboxOptions options);

  // Writes a row for every finished workflow and task whose callback is due. Returns how many.
  int collect();
  // One delivery attempt for every due row. Returns how many were delivered.
  int deliver_due();

 private:
  sqlite::Database db_;
  store::SqliteJobQueue queue_;  // to read the state of tasks' jobs
  OutboxOptions options_;
};

// Adds a callback row to send now. REQUIRES: a transaction is open on db.
void add_callback(sqlite::Database& db, const std::string& kind, const std::string& owner_id,
                  const std::string& url, nlohmann::json body);

// `callback_status` for a status route: null when no callback was given, else {"status": pending |
// delivered | failed, "attempts", "last_error", "delivered_at"} of the latest callback of that owner.
nlohmann::json callback_status(sqlite::Database& db, const std::string& kind, const std::string& owner_id,
                               bool has_callback);

}  // namespace yv::engine

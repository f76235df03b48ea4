#include "store/sqlite/schema.h"

#include <string>

#include "core/error.h"

namespace yv::sqlite {
namespace {

// Bump on every change to the statements below.
constexpr int64_t kVersion = 5;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  queue        TEXT NOT NULL,
  payload      TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('ready', 'leased', 'done', 'dead', 'cancelled')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  time_limit   REAL NOT NULL DEFAULT 0,
  token        INTEGER NOT NULL DEFAULT 0,
  worker       TEXT,
  lease_until  REAL,
  deadline     REAL,
  available_at REAL NOT NULL,
  created_at   REAL NOT NULL,
  started_at   REAL,
  finished_at  REAL,
  progress     REAL NOT NULL DEFAULT 0,
  partial      TEXT,  -- JobQueue::heartbeat's partial output of the current or last attempt
  result       TEXT,
  error        TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_readiness ON jobs (state, queue, available_at, id);

CREATE TABLE IF NOT EXISTS tasks (
  task_id    TEXT PRIMARY KEY,
  task_name  TEXT NOT NULL,
  input      TEXT NOT NULL,
  job_id     INTEGER NOT NULL REFERENCES jobs (id),
  callback   TEXT,
  callback_auth TEXT,                     -- the header line sent with the callback (never shown)
  notify     INTEGER NOT NULL DEFAULT 0,  -- 1: a callback is due when the current job ends
  created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_to_notify ON tasks (job_id) WHERE notify = 1;

CREATE TABLE IF NOT EXISTS workflows (
  workflow_id TEXT PRIMARY KEY,
  status      TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
  request     TEXT NOT NULL,
  error       TEXT,
  callback    TEXT,
  callback_auth TEXT,                      -- the header line sent with the callback (never shown)
  notify      INTEGER NOT NULL DEFAULT 0,  -- 1: a callback is due when the current run ends
  created_at  REAL NOT NULL,
  updated_at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS workflows_to_notify ON workflows (status) WHERE notify = 1;
CREATE INDEX IF NOT EXISTS workflows_by_age ON workflows (created_at, workflow_id);
CREATE INDEX IF NOT EXISTS workflows_running ON workflows (status) WHERE status = 'running';

CREATE TABLE IF NOT EXISTS stages (
  workflow_id TEXT NOT NULL REFERENCES workflows (workflow_id),
  idx         INTEGER NOT NULL,
  task_name   TEXT NOT NULL,
  status      TEXT NOT NULL
              CHECK (status IN ('pending', 'queued', 'completed', 'failed', 'skipped', 'cancelled')),
  input       TEXT,
  output      TEXT,
  error       TEXT,
  job_id      INTEGER REFERENCES jobs (id),
  history     TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (workflow_id, idx)
);
CREATE INDEX IF NOT EXISTS stages_in_flight ON stages (status) WHERE status = 'queued';

-- The callback outbox: one row per callback to deliver, kept after delivery as its record.
CREATE TABLE IF NOT EXISTS callbacks (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  kind         TEXT NOT NULL CHECK (kind IN ('workflow', 'task')),
  owner_id     TEXT NOT NULL,
  url          TEXT NOT NULL,
  auth_header  TEXT,
  body         TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_at      REAL NOT NULL,
  last_error   TEXT,
  created_at   REAL NOT NULL,
  delivered_at REAL
);
CREATE INDEX IF NOT EXISTS callbacks_due ON callbacks (next_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS callbacks_by_owner ON callbacks (kind, owner_id, id);

-- Device leases (gpu_lock:<n>): holder NULL when free; the token survives releases so it only grows.
CREATE TABLE IF NOT EXISTS leases (
  key         TEXT PRIMARY KEY,
  holder      TEXT,
  task_name   TEXT,
  token       INTEGER NOT NULL DEFAULT 0,
  acquired_at REAL,
  expires_at  REAL
);
CREATE TABLE IF NOT EXISTS lease_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  key       TEXT NOT NULL,
  event     TEXT NOT NULL,
  holder    TEXT NOT NULL,
  task_name TEXT NOT NULL,
  token     INTEGER NOT NULL,
  at        REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS lease_events_by_key ON lease_events (key, id);

-- Workers' heartbeats, for monitoring: one row per worker name, replaced at every beat.
CREATE TABLE IF NOT EXISTS workers (
  name    TEXT PRIMARY KEY,
  beat    TEXT NOT NULL,
  seen_at REAL NOT NULL
);
)sql";

// What turns a database of the previous version into this one, so that an upgrade keeps its state.
constexpr int64_t kPreviousVersion = 4;
constexpr const char* kFromPrevious = R"sql(
ALTER TABLE tasks ADD COLUMN callback_auth TEXT;
ALTER TABLE workflows ADD COLUMN callback_auth TEXT;
ALTER TABLE callbacks ADD COLUMN auth_header TEXT;
ALTER TABLE jobs ADD COLUMN partial TEXT;
)sql";

}  // namespace

void ensure_schema(Database& db) {
  auto current = db.prepare("PRAGMA user_version");
  current.step();
  if (current.int_at(0) == kVersion) return;  // the common case, without taking the write lock
  db.transaction([&] {
    auto version = db.prepare("PRAGMA user_version");
    version.step();
    const int64_t found = version.int_at(0);
    auto tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'");
    tables.step();
    if (found == kVersion) return;
    if (found == kPreviousVersion) {
      db.exec(kFromPrevious);
    } else if (found != 0 || tables.int_at(0) != 0) {
      throw Error("state_store_error",
                  "the state database has schema version " + std::to_string(found) + ", this build needs " +
                      std::to_string(kVersion) + "; move the old database aside (only version " +
                      std::to_string(kPreviousVersion) + " is migrated)",
                  503);
    } else {
      db.exec(kSchema);
    }
    db.exec("PRAGMA user_version = " + std::to_string(kVersion));
  });
}

}  // namespace yv::sqlite

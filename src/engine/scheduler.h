// The scheduler: moves workflows forward, one stage at a time.
//
// advance() looks at a workflow's stages in order: it records the outcome of a stage whose job has finished,
// enqueues the next pending stage (computing its inputs from the request and the earlier outputs), fails the
// workflow when a stage failed (later stages become `skipped`, never run on bad inputs), or completes it.
// It is idempotent and runs inside one transaction, so calling it twice, or from two processes at once, never
// enqueues a stage twice. Workers call it right after they finish a job (so the next stage starts without
// delay); the server's sweep() calls it for every workflow whose running stage has finished, which recovers
// whatever a worker killed between its commit and its advance() left behind, and reaps lapsed leases and
// time limits.
//
// Stage states stored: pending -> queued (a job exists; running/completed/failed are then read from the job)
// -> completed | failed | skipped | cancelled.
#pragma once

#include <string>

#include "engine/node_registry.h"
#include "store/job_queue.h"
#include "store/sqlite/database.h"

namespace yv::engine {

// Where a stage's files go, relative to the storage root: "workflows/<id>/stage_<n>".
std::string stage_output_dir(const std::string& workflow_id, int index);

class Scheduler {
 public:
  // REQUIRES: queue works on db (so that enqueueing joins the caller's transaction); all outlive this.
  Scheduler(sqlite::Database& db, store::JobQueue& queue, const NodeRegistry& nodes);

  // REQUIRES: a transaction is open on db. Unknown or finished workflows are left alone.
  void advance_in_transaction(const std::string& workflow_id);
  // advance_in_transaction() in its own transaction.
  void advance(const std::string& workflow_id);

  // Reaps the queue, then advances every running workflow whose queued stage's job has finished. Returns
  // how many workflows it advanced.
  int sweep();

 private:
  void fail_workflow(const std::string& workflow_id, int index, const std::string& task_name,
                     const std::string& error);

  sqlite::Database& db_;
  store::JobQueue& queue_;
  const NodeRegistry& nodes_;
};

}  // namespace yv::engine

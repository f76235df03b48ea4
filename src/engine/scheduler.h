// The scheduler: moves workflows forward, one stage at a time.
//
// advance() looks at a workflow's stages in order: it records the outcome of a stage whose job has finished,
// enqueues the next pending stage (computing its inputs from the request and the earlier outputs), fails the
// workflow when a stage failed (later stages become `skipped`, never run on bad inputs), or completes it.
// It works on the record inside one StateStore update, so calling it twice, or from two processes at once,
// never enqueues a stage twice. Workers call it right after they finish a job (so the next stage starts
// without delay); the server's sweep() calls it for every running workflow whose queued stage has finished,
// which recovers whatever a worker killed between its commit and its advance() left behind, and reaps lapsed
// leases and time limits.
//
// Stage states stored: pending -> queued (a job exists; running/completed/failed are then read from the job)
// -> completed | failed | skipped | cancelled.
#pragma once

#include <cstdint>
#include <string>

#include "engine/node_registry.h"
#include "store/state_store.h"

namespace yv::engine {

// How much work may wait for a worker. While the queues hold max_queued ready jobs or more, each submit that
// would queue work is refused, so that no client can store work faster than the workers drain it. The count
// is read before the submit's own update: concurrent submits may pass the cap by a few.
struct QueueLimit {
  int64_t max_queued = 10000;
  // YIVIDEO_MAX_QUEUED_JOBS when set to a positive number, else the default.
  static QueueLimit from_environment();
  // Throws yv::Error "queue_full" (429) when the queues of `state` hold max_queued ready jobs or more.
  void check(store::StateStore& state) const;
};

// Where a stage's files go, relative to the storage root: "workflows/<id>/stage_<n>".
std::string stage_output_dir(const std::string& workflow_id, int index);

class Scheduler {
 public:
  // REQUIRES: state and nodes outlive the scheduler.
  Scheduler(store::StateStore& state, const NodeRegistry& nodes);

  // Moves `workflow` forward, queueing through `changes`: part of the caller's update. A finished workflow
  // is left alone.
  void advance(store::WorkflowRecord& workflow, store::Changes& changes);
  // advance() in an update of its own. An unknown workflow is left alone.
  void advance(const std::string& workflow_id);

  // Reaps the queue, then advances every running workflow whose queued stage's job has finished. Returns
  // how many workflows it advanced.
  int sweep();

 private:
  store::StateStore& state_;
  const NodeRegistry& nodes_;
};

}  // namespace yv::engine

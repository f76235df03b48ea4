#include "engine/scheduler.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <vector>

#include "core/error.h"
#include "engine/planner.h"
#include "engine/stage_inputs.h"

namespace yv::engine {
namespace {

using nlohmann::json;

// Deliveries of one stage before it fails: a worker killed mid-stage costs one.
constexpr int kStageAttempts = 3;

void set_status(store::WorkflowRecord& w, const std::string& status) {
  w.status = status;
  w.updated_at = store::wall_clock();
}

void fail_workflow(store::WorkflowRecord& w, size_t index, const std::string& error) {
  store::StageRecord& failed = w.stages[index];
  failed.status = "failed";
  failed.error = error;
  for (size_t i = index + 1; i < w.stages.size(); ++i) {
    if (w.stages[i].status == "pending") w.stages[i].status = "skipped";
  }
  w.error = "stage_" + std::to_string(index) + " (" + failed.task_name + ") failed: " + error;
  set_status(w, "failed");
  spdlog::info("workflow {}: {}", w.id, *w.error);
}

bool unfinished(store::JobState state) {
  return state == store::JobState::kReady || state == store::JobState::kLeased;
}

}  // namespace

QueueLimit QueueLimit::from_environment() {
  QueueLimit limit;
  if (const char* max = std::getenv("YIVIDEO_MAX_QUEUED_JOBS")) {
    const long long jobs = std::atoll(max);
    if (jobs > 0) limit.max_queued = jobs;
  }
  return limit;
}

void QueueLimit::check(store::StateStore& state) const {
  int64_t ready = 0;
  for (const auto& [queue_and_state, jobs] : state.queue_depth()) {
    if (queue_and_state.second == "ready") ready += jobs;
  }
  if (ready < max_queued) return;
  throw Error("queue_full",
              std::to_string(ready) + " jobs are waiting for a worker (the limit is " +
                  std::to_string(max_queued) + "): submit again later",
              429);
}

std::string stage_output_dir(const std::string& workflow_id, int index) {
  return "workflows/" + workflow_id + "/stage_" + std::to_string(index);
}

Scheduler::Scheduler(store::StateStore& state, const NodeRegistry& nodes) : state_(state), nodes_(nodes) {}

void Scheduler::advance(const std::string& workflow_id) {
  state_.update_workflow(workflow_id, [&](std::optional<store::WorkflowRecord>& w, store::Changes& changes) {
    if (w) advance(*w, changes);
  });
}

void Scheduler::advance(store::WorkflowRecord& w, store::Changes& changes) {
  if (w.status != "running") return;
  const WorkflowSpec spec = spec_from_json(w.request);
  std::vector<EarlierStage> earlier;
  for (size_t i = 0; i < w.stages.size(); ++i) {
    store::StageRecord& stage = w.stages[i];
    if (stage.status == "completed") {
      earlier.push_back({stage.task_name, stage.output.is_null() ? json::object() : stage.output});
      continue;
    }
    if (stage.status == "queued") {
      const store::JobStatus job = state_.job(stage.job_id);
      if (unfinished(job.state)) return;
      if (job.state != store::JobState::kDone) return fail_workflow(w, i, job.error.value_or("failed"));
      stage.status = "completed";
      stage.output = *job.result;
      earlier.push_back({stage.task_name, *job.result});
      continue;
    }
    if (stage.status != "pending") return fail_workflow(w, i, stage.error.value_or(stage.status));
    const NodeSpec* node = nodes_.find(stage.task_name);
    if (!node) return fail_workflow(w, i, "unknown_node: not in this build");
    json inputs;
    try {
      inputs = stage_inputs(nodes_, *node, spec.node_params.value(stage.task_name, json::object()),
                            spec.globals, earlier);
    } catch (const Error& e) {
      return fail_workflow(w, i, e.code() + ": " + e.detail());
    }
    stage.job_id = changes.enqueue(node->resource_class,
                                   {{"task_name", stage.task_name},
                                    {"params", inputs},
                                    {"workflow_id", w.id},
                                    {"stage", i},
                                    {"output_dir", stage_output_dir(w.id, int(i))},
                                    {"given_names", spec.given_names}},
                                   {kStageAttempts, double(node->time_limit_seconds)});
    stage.status = "queued";
    stage.input = std::move(inputs);
    set_status(w, "running");
    return;
  }
  set_status(w, "completed");
  spdlog::info("workflow {}: completed", w.id);
}

int Scheduler::sweep() {
  state_.queue().reap();
  int advanced = 0;
  for (const std::string& id : state_.running_workflows()) {
    const auto w = state_.workflow(id);
    if (!w) continue;
    const bool due = std::none_of(w->stages.begin(), w->stages.end(), [&](const store::StageRecord& s) {
      return s.status == "queued" && unfinished(state_.job(s.job_id).state);
    });
    if (!due) continue;
    advance(id);
    ++advanced;
  }
  return advanced;
}

}  // namespace yv::engine

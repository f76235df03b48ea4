#include "engine/scheduler.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "core/error.h"
#include "engine/planner.h"
#include "engine/stage_inputs.h"
#include "store/sqlite/sqlite_job_queue.h"

namespace yv::engine {
namespace {

using nlohmann::json;

// Deliveries of one stage before it fails: a worker killed mid-stage costs one.
constexpr int kStageAttempts = 3;

void touch(sqlite::Database& db, const std::string& workflow_id, const std::string& status) {
  db.prepare("UPDATE workflows SET status = ?2, updated_at = ?3 WHERE workflow_id = ?1")
      .bind(1, workflow_id)
      .bind(2, status)
      .bind(3, store::wall_clock())
      .run();
}

void set_stage(sqlite::Database& db, const std::string& workflow_id, int index, const std::string& status,
               const char* column = nullptr, const std::string& value = {}) {
  auto update = db.prepare(std::string("UPDATE stages SET status = ?3") +
                           (column ? std::string(", ") + column + " = ?4" : "") +
                           " WHERE workflow_id = ?1 AND idx = ?2");
  update.bind(1, workflow_id).bind(2, int64_t(index)).bind(3, status);
  if (column) update.bind(4, value);
  update.run();
}

}  // namespace

std::string stage_output_dir(const std::string& workflow_id, int index) {
  return "workflows/" + workflow_id + "/stage_" + std::to_string(index);
}

Scheduler::Scheduler(sqlite::Database& db, store::JobQueue& queue, const NodeRegistry& nodes)
    : db_(db), queue_(queue), nodes_(nodes) {}

void Scheduler::advance(const std::string& workflow_id) {
  db_.transaction([&] { advance_in_transaction(workflow_id); });
}

void Scheduler::fail_workflow(const std::string& workflow_id, int index, const std::string& task_name,
                              const std::string& error) {
  set_stage(db_, workflow_id, index, "failed", "error", error);
  db_.prepare(
         "UPDATE stages SET status = 'skipped' WHERE workflow_id = ?1 AND idx > ?2 AND status = 'pending'")
      .bind(1, workflow_id)
      .bind(2, int64_t(index))
      .run();
  const std::string message = "stage_" + std::to_string(index) + " (" + task_name + ") failed: " + error;
  db_.prepare("UPDATE workflows SET error = ?2 WHERE workflow_id = ?1")
      .bind(1, workflow_id)
      .bind(2, message)
      .run();
  touch(db_, workflow_id, "failed");
  spdlog::info("workflow {}: {}", workflow_id, message);
}

void Scheduler::advance_in_transaction(const std::string& workflow_id) {
  auto wf = db_.prepare("SELECT status, request FROM workflows WHERE workflow_id = ?1");
  wf.bind(1, workflow_id);
  if (!wf.step() || wf.text_at(0) != "running") return;
  const WorkflowSpec spec = spec_from_json(json::parse(wf.text_at(1)));

  struct Row {
    int index;
    std::string task_name, status;
    std::optional<std::string> output, error;
    int64_t job_id;
  };
  std::vector<Row> rows;
  auto q = db_.prepare(
      "SELECT idx, task_name, status, output, error, COALESCE(job_id, 0) FROM stages WHERE workflow_id = ?1 "
      "ORDER BY idx");
  q.bind(1, workflow_id);
  while (q.step()) {
    rows.push_back({int(q.int_at(0)), q.text_at(1), q.text_at(2), q.optional_text_at(3),
                    q.optional_text_at(4), q.int_at(5)});
  }

  std::vector<EarlierStage> earlier;
  for (const Row& row : rows) {
    if (row.status == "completed") {
      earlier.push_back({row.task_name, json::parse(row.output.value_or("{}"))});
      continue;
    }
    if (row.status == "queued") {
      const store::JobStatus job = queue_.status(row.job_id);
      if (job.state == store::JobState::kReady || job.state == store::JobState::kLeased) return;
      if (job.state != store::JobState::kDone) {
        return fail_workflow(workflow_id, row.index, row.task_name, job.error.value_or("failed"));
      }
      set_stage(db_, workflow_id, row.index, "completed", "output", job.result->dump());
      earlier.push_back({row.task_name, *job.result});
      continue;
    }
    if (row.status != "pending") {
      return fail_workflow(workflow_id, row.index, row.task_name, row.error.value_or(row.status));
    }
    const NodeSpec* node = nodes_.find(row.task_name);
    if (!node) return fail_workflow(workflow_id, row.index, row.task_name, "unknown_node: not in this build");
    json inputs;
    try {
      inputs = stage_inputs(nodes_, *node, spec.node_params.value(row.task_name, json::object()),
                            spec.globals, earlier);
    } catch (const Error& e) {
      return fail_workflow(workflow_id, row.index, row.task_name, e.code() + ": " + e.detail());
    }
    const int64_t job = queue_.enqueue(node->resource_class,
                                       {{"task_name", row.task_name},
                                        {"params", inputs},
                                        {"workflow_id", workflow_id},
                                        {"stage", row.index},
                                        {"output_dir", stage_output_dir(workflow_id, row.index)}},
                                       {kStageAttempts, double(node->time_limit_seconds)});
    db_.prepare(
           "UPDATE stages SET status = 'queued', input = ?3, job_id = ?4 WHERE workflow_id = ?1 AND idx = ?2")
        .bind(1, workflow_id)
        .bind(2, int64_t(row.index))
        .bind(3, inputs.dump())
        .bind(4, job)
        .run();
    touch(db_, workflow_id, "running");
    return;
  }
  touch(db_, workflow_id, "completed");
  spdlog::info("workflow {}: completed", workflow_id);
}

int Scheduler::sweep() {
  queue_.reap();
  std::vector<std::string> ids;
  auto q = db_.prepare(
      "SELECT DISTINCT s.workflow_id FROM stages s JOIN jobs j ON j.id = s.job_id "
      "WHERE s.status = 'queued' AND j.state IN ('done', 'dead', 'cancelled')");
  while (q.step()) ids.push_back(q.text_at(0));
  for (const auto& id : ids) advance(id);
  return int(ids.size());
}

}  // namespace yv::engine

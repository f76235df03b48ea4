#include "engine/workflow_view.h"

#include <cmath>
#include <optional>

#include "core/ids.h"
#include "core/json_util.h"
#include "engine/callback_outbox.h"

namespace yv::engine {
namespace {

using nlohmann::json;

// The status shown for a stage stored as `stored` whose job (if any) is in `job_state`.
std::string shown_status(const std::string& stored, const std::optional<std::string>& job_state) {
  if (stored != "queued" || !job_state) return stored;
  if (*job_state == "leased") return "running";
  if (*job_state == "done") return "completed";
  if (*job_state == "dead") return "failed";
  if (*job_state == "cancelled") return "cancelled";
  return "queued";
}

constexpr const char* kStagesQuery =
    "SELECT s.idx, s.task_name, s.status, s.input, s.output, s.error, s.history, j.state, j.attempts, "
    "j.started_at, j.finished_at, j.progress, j.result, j.error FROM stages s LEFT JOIN jobs j ON j.id = "
    "s.job_id WHERE s.workflow_id = ?1 ORDER BY s.idx";

}  // namespace

Error workflow_not_found(const std::string& workflow_id) {
  return Error("workflow_not_found", "workflow " + workflow_id + " not found", 404);
}

json workflow_view(sqlite::Database& db, const std::string& workflow_id) {
  auto wf = db.prepare(
      "SELECT status, request, error, created_at, updated_at, callback IS NOT NULL FROM workflows WHERE "
      "workflow_id = ?1");
  wf.bind(1, workflow_id);
  if (!wf.step()) throw workflow_not_found(workflow_id);
  const json request = json::parse(wf.text_at(1));

  json stages = json::object();
  int completed = 0, total = 0;
  double running_progress = 0;
  bool started = false;
  json current = nullptr;
  auto q = db.prepare(kStagesQuery);
  q.bind(1, workflow_id);
  while (q.step()) {
    ++total;
    const auto job_state = q.optional_text_at(7);
    const std::string shown = shown_status(q.text_at(2), job_state);
    json stage = {{"task_name", q.text_at(1)}, {"status", shown}};
    stage["input"] = json_or_null(q.optional_text_at(3));
    json output = json_or_null(q.optional_text_at(4));
    if (output.is_null() && shown == "completed") output = json_or_null(q.optional_text_at(12));
    stage["output"] = output;
    const auto started_at = q.optional_double_at(9), finished_at = q.optional_double_at(10);
    const bool finished = shown != "queued" && shown != "running" && finished_at;
    stage["start_time"] = time_or_null(started_at);
    stage["end_time"] = finished ? time_or_null(finished_at) : json(nullptr);
    stage["duration"] =
        finished && started_at ? json(std::round((*finished_at - *started_at) * 1000) / 1000) : json(nullptr);
    stage["attempts"] = job_state ? q.int_at(8) : 0;
    auto error = q.optional_text_at(5);
    if (!error && (shown == "failed" || shown == "cancelled")) error = q.optional_text_at(13);
    stage["error"] = text_or_null(error);
    if (shown == "running") {
      stage["progress"] = q.double_at(11);
      running_progress = q.double_at(11);
    }
    const json history = json::parse(q.text_at(6));
    if (!history.empty()) stage["history"] = history;
    if (shown == "completed") ++completed;
    if (shown == "completed" || shown == "running" || (job_state && q.int_at(8) > 0)) started = true;
    if (current.is_null() && shown != "completed") current = q.text_at(1);
    stages["stage_" + std::to_string(q.int_at(0))] = std::move(stage);
  }
  std::string status = wf.text_at(0);
  if (status == "running" && !started) status = "pending";
  if (status != "running" && status != "pending") current = nullptr;
  const double percent = total ? (completed + running_progress) * 100.0 / total : 100.0;
  json input_params = request["globals"];
  input_params["workflow_chain"] = request["workflow_chain"];
  input_params["node_params"] = request["node_params"];
  if (!input_params.contains("video_path")) input_params["video_path"] = nullptr;
  return {{"workflow_id", workflow_id},
          {"status", status},
          {"created_at", iso8601(wf.double_at(3))},
          {"updated_at", iso8601(wf.double_at(4))},
          {"progress",
           {{"completed", completed},
            {"total", total},
            {"current", current},
            {"percent", std::round(percent * 10) / 10}}},
          {"input_params", input_params},
          {"stages", stages},
          {"error", text_or_null(wf.optional_text_at(2))},
          {"callback_status", callback_status(db, "workflow", workflow_id, wf.int_at(5) != 0)}};
}

}  // namespace yv::engine

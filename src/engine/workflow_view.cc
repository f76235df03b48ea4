#include "engine/workflow_view.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/ids.h"
#include "core/json_util.h"
#include "storage/download_urls.h"
#include "storage/input_paths.h"

namespace yv::engine {
namespace {

using nlohmann::json;

// The status shown for a stage stored as `stored` whose job (if any) is in `job`.
std::string stage_status(const std::string& stored, const std::optional<store::JobStatus>& job) {
  return stored == "queued" && job ? store::shown_state(job->state) : stored;
}

std::optional<store::JobStatus> job_of(const store::StageRecord& stage,
                                       const std::function<store::JobStatus(int64_t)>& job) {
  if (!stage.job_id) return std::nullopt;
  return job(stage.job_id);
}

// Seconds a running stage still needs at the pace it went so far (null until 1% is done: the first steps, a
// model's loading among them, say little about the rest).
json eta_seconds(const store::JobStatus& job, double now) {
  if (job.progress < 0.01 || !job.started_at) return nullptr;
  const double elapsed = std::max(0.0, now - *job.started_at);
  return std::round(elapsed * (1 - job.progress) / job.progress * 10) / 10;
}

// A stage has started once it completed or its job was delivered to a worker.
bool stage_started(const store::StageRecord& stage, const std::optional<store::JobStatus>& job) {
  return stage.status == "completed" || (job && job->attempts > 0);
}

}  // namespace

double stage_percent(double fraction) { return std::round(std::clamp(fraction, 0.0, 1.0) * 1000) / 10; }

Error workflow_not_found(const std::string& workflow_id) {
  return Error("workflow_not_found", "workflow " + workflow_id + " not found", 404);
}

std::string shown_status(const store::WorkflowRecord& w,
                         const std::function<store::JobStatus(int64_t)>& job) {
  if (w.status != "running") return w.status;
  for (const store::StageRecord& s : w.stages) {
    if (stage_started(s, job_of(s, job))) return "running";
  }
  return "pending";
}

json workflow_view(const store::WorkflowRecord& w, const std::function<store::JobStatus(int64_t)>& job,
                   json callback_status, const std::string& url_base) {
  json stages = json::object();
  int completed = 0;
  const int total = int(w.stages.size());
  double running_progress = 0;
  bool started = false;
  json current = nullptr;
  // Inputs are shown by the names the client gave (storage/input_paths.h).
  const json names = w.request.value("given_names", json::object());
  for (size_t i = 0; i < w.stages.size(); ++i) {
    const store::StageRecord& s = w.stages[i];
    const auto j = job_of(s, job);
    const std::string shown = stage_status(s.status, j);
    json stage = {
        {"task_name", s.task_name}, {"status", shown}, {"input", storage::params_as_given(s.input, names)}};
    json output = s.output;
    if (output.is_null() && shown == "completed" && j && j->result) output = *j->result;
    if (!url_base.empty() && !output.is_null())
      stage["download_urls"] = storage::download_urls(output, url_base);
    stage["output"] = std::move(output);
    static const store::JobStatus kNotQueued;  // no times
    const store::JobStatus& times = j ? *j : kNotQueued;
    const bool finished = shown != "queued" && shown != "running" && times.finished_at;
    stage["start_time"] = time_or_null(times.started_at);
    stage["end_time"] = finished ? time_or_null(times.finished_at) : json(nullptr);
    stage["duration"] = finished && times.started_at
                            ? json(std::round((*times.finished_at - *times.started_at) * 1000) / 1000)
                            : json(nullptr);
    stage["attempts"] = j ? j->attempts : 0;
    auto error = s.error;
    if (!error && (shown == "failed" || shown == "cancelled") && j) error = j->error;
    stage["error"] = text_or_null(error);
    if (shown == "running") {
      stage["progress"] = j->progress;
      stage["percent"] = stage_percent(j->progress);
      stage["eta_seconds"] = eta_seconds(*j, store::wall_clock());
      running_progress = j->progress;
    }
    if (!s.history.empty()) {
      json history = s.history;
      for (json& run : history) run["input"] = storage::params_as_given(run["input"], names);
      stage["history"] = std::move(history);
    }
    if (shown == "completed") ++completed;
    started = started || stage_started(s, j);
    if (current.is_null() && shown != "completed") current = s.task_name;
    stages["stage_" + std::to_string(i)] = std::move(stage);
  }
  std::string status = w.status;
  if (status == "running" && !started) status = "pending";
  if (status != "running" && status != "pending") current = nullptr;
  const double percent = total ? (completed + running_progress) * 100.0 / total : 100.0;
  json input_params = storage::params_as_given(w.request["globals"], names);
  input_params["workflow_chain"] = w.request["workflow_chain"];
  input_params["node_params"] = w.request["node_params"];
  for (auto& [node, params] : input_params["node_params"].items())
    params = storage::params_as_given(params, names);
  if (!input_params.contains("video_path")) input_params["video_path"] = nullptr;
  return {{"workflow_id", w.id},
          {"status", status},
          {"created_at", iso8601(w.created_at)},
          {"updated_at", iso8601(w.updated_at)},
          {"progress",
           {{"completed", completed},
            {"total", total},
            {"current", current},
            {"percent", std::round(percent * 10) / 10}}},
          {"input_params", input_params},
          {"stages", stages},
          {"error", text_or_null(w.error)},
          {"callback_status", std::move(callback_status)}};
}

}  // namespace yv::engine

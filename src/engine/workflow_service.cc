#include "engine/workflow_service.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/ids.h"
#include "core/json_util.h"
#include "engine/callback_outbox.h"
#include "engine/stage_inputs.h"
#include "engine/workflow_view.h"
#include "storage/input_paths.h"
#include "storage/object_keys.h"

namespace yv::engine {
namespace {

using nlohmann::json;

// The files among a stage's outputs that are no longer in the store (or on disk).
std::vector<std::string> missing_files(const json& output, const storage::InputResolver& inputs) {
  std::vector<std::string> missing;
  for (const auto& [key, value] : output.items()) {
    if (!storage::names_file(key) || !value.is_string()) continue;
    try {
      inputs.resolve(value);
    } catch (const Error& e) {
      if (e.code() == "file_not_found") missing.push_back(value);
    }
  }
  return missing;
}

}  // namespace

WorkflowService::WorkflowService(store::StateStore& state, const NodeRegistry& nodes,
                                 const storage::BlobStore& store)
    : state_(state),
      scheduler_(state, nodes),
      nodes_(nodes),
      inputs_(store),
      webhooks_(net::WebhookPolicy::from_environment()),
      queue_limit_(QueueLimit::from_environment()) {}

std::pair<int, json> WorkflowService::submit(const json& body) {
  WorkflowRequest request = parse_workflow_request(body, nodes_);
  if (request.callback) net::check_callback_url(request.callback->url, webhooks_);
  // References to earlier stages' outputs are resolved when their stage runs, not here.
  const auto reference = [](const json& value) { return parse_reference(value).has_value(); };
  WorkflowSpec& spec = request.spec;
  spec.given_names.update(inputs_.resolve_params(spec.globals, reference));
  for (auto& [node, params] : spec.node_params.items()) {
    spec.given_names.update(inputs_.resolve_params(params, reference));
  }
  queue_limit_.check(state_);
  return request.mode == ExecutionMode::kFull ? create(request) : resume(request);
}

std::pair<int, json> WorkflowService::create(const WorkflowRequest& request) {
  const std::string id = uuid4();
  state_.update_workflow(id, [&](std::optional<store::WorkflowRecord>& w, store::Changes& changes) {
    w = store::WorkflowRecord{};
    w->id = id;
    w->request = to_json(request.spec);
    w->callback = request.callback;
    w->notify = request.callback.has_value();
    w->created_at = w->updated_at = store::wall_clock();
    w->stages.resize(request.spec.chain.size());
    for (size_t i = 0; i < w->stages.size(); ++i) w->stages[i].task_name = request.spec.chain[i];
    scheduler_.advance(*w, changes);
  });
  const auto n = request.spec.chain.size();
  return {202,
          {{"workflow_id", id},
           {"execution_mode", "full"},
           {"tasks_total", n},
           {"tasks_skipped", 0},
           {"tasks_to_execute", n},
           {"message", "New workflow created and started successfully."}}};
}

std::pair<int, json> WorkflowService::resume(const WorkflowRequest& request) {
  const std::string& id = *request.workflow_id;
  std::pair<int, json> answer;
  state_.update_workflow(id, [&](std::optional<store::WorkflowRecord>& w, store::Changes& changes) {
    if (!w) throw workflow_not_found(id);
    // A stage whose job finished but was not yet recorded would otherwise look unfinished.
    scheduler_.advance(*w, changes);
    if (w->status == "running") {
      throw Error("workflow_running", "workflow " + id + " is still running: wait for it or cancel it first",
                  409);
    }
    const WorkflowSpec stored_spec = spec_from_json(w->request);
    const auto given_video = request.spec.globals.find("video_path");
    if (given_video != request.spec.globals.end() &&
        stored_spec.globals.value("video_path", json()) != *given_video) {
      throw Error("invalid_request",
                  "video_path differs from the workflow's own; start a new workflow for another input", 400);
    }
    const WorkflowSpec spec = merge_specs(stored_spec, request.spec, request.merge);
    std::vector<StoredStage> stored;
    for (const store::StageRecord& s : w->stages) stored.push_back({s.task_name, s.status});
    const bool incremental = request.mode == ExecutionMode::kIncremental;
    const size_t start =
        incremental ? incremental_start(stored, spec.chain) : retry_start(stored, spec.chain);
    check_references(spec, nodes_);
    // The given parameters were checked alone; rules across parameters hold for what the run will use.
    check_stages(spec, nodes_, start);
    for (size_t i = 0; i < start; ++i) {
      const auto missing = missing_files(w->stages[i].output, inputs_);
      if (!missing.empty()) {
        throw Error("workflow_storage_gone",
                    "the stored output of stage_" + std::to_string(i) + " is gone (" + missing[0] +
                        "): run the workflow again with execution_mode full",
                    410);
      }
    }
    const size_t total = spec.chain.size();
    answer = {200,
              {{"workflow_id", id},
               {"execution_mode", to_string(request.mode)},
               {"tasks_total", total},
               {"tasks_skipped", start},
               {"tasks_to_execute", total - start}}};
    if (start == total && w->stages.size() == total) {
      answer.second["message"] = "All tasks already completed, no execution needed.";
      return;
    }
    // Stages from `start` on run (again); a retried stage keeps its earlier run in its history. The planner
    // refused chains shorter than the stored one, so start < total here and no stored stage is dropped.
    w->stages.resize(total);
    for (size_t i = start; i < total; ++i) {
      store::StageRecord& s = w->stages[i];
      json history = s.history;
      if (s.job_id) {
        history.push_back({{"status", s.status},
                           {"error", text_or_null(s.error)},
                           {"job_id", s.job_id},
                           {"input", s.input}});
      }
      s = store::StageRecord();
      s.task_name = spec.chain[i];
      s.history = std::move(history);
    }
    w->status = "running";
    w->request = to_json(spec);
    w->error.reset();
    w->updated_at = store::wall_clock();
    if (request.callback) w->callback = request.callback;
    w->notify = w->callback.has_value();
    scheduler_.advance(*w, changes);
    answer.first = 202;
    answer.second["message"] =
        incremental
            ? "Incremental execution started: " + std::to_string(total - start) + " new task(s) scheduled."
            : "Retry started from stage_" + std::to_string(start) + " (" + spec.chain[start] + ").";
  });
  return answer;
}

std::string WorkflowService::status(const std::string& workflow_id, const std::string& url_base) {
  const std::string kept_as = workflow_id + " " + url_base;
  // Running workflows, the ones polled most, are never kept: they cost no revision read.
  if (views_.holds(kept_as)) {
    const std::optional<double> revision = state_.workflow_revision(workflow_id);
    if (!revision) throw workflow_not_found(workflow_id);
    if (const auto body = views_.find(kept_as, *revision)) return *body;
  }
  const auto w = state_.workflow(workflow_id);
  if (!w) throw workflow_not_found(workflow_id);
  bool jobs_ended = true;
  const auto job = [&](int64_t id) {
    store::JobStatus j = state_.job(id);
    jobs_ended = jobs_ended && store::job_ended(j.state);
    return j;
  };
  json callback = callback_status(state_, "workflow", workflow_id, w->callback.has_value());
  const bool callback_ended = callback.is_null() || callback["status"] != "pending";
  std::string body = json_text(workflow_view(*w, job, std::move(callback), url_base));
  if (w->status != "running" && jobs_ended && callback_ended) views_.keep(kept_as, w->updated_at, body);
  return body;
}

std::string WorkflowService::subtitle_key(const std::string& workflow_id, const std::string& format) {
  static const std::vector<std::string> kFormats = {"srt", "vtt", "ass", "ttml", "txt", "json"};
  if (std::find(kFormats.begin(), kFormats.end(), format) == kFormats.end())
    throw Error("invalid_parameter", "format must be one of srt, vtt, ass, ttml, txt, json", 400);
  const auto w = state_.workflow(workflow_id);
  if (!w) throw workflow_not_found(workflow_id);
  if (w->status == "running") {
    throw Error(
        "workflow_not_finished",
        "workflow " + workflow_id + " has not finished: its subtitles are ready when its status is completed",
        409);
  }
  std::vector<std::string> formats;  // those the latest subtitle stage wrote
  for (auto s = w->stages.rbegin(); s != w->stages.rend(); ++s) {
    if (s->status != "completed" || !s->output.is_object()) continue;
    json files = s->output.value("subtitle_files", json::object());
    for (const std::string& f : kFormats) {
      if (!files.contains(f) && s->output.contains(f + "_file")) files[f] = s->output[f + "_file"];
    }
    if (files.empty()) continue;
    if (files.contains(format) && files[format].is_string()) {
      if (const auto key = storage::share_key(files[format].get<std::string>())) return *key;
    }
    for (const auto& [f, name] : files.items()) formats.push_back(f);
    break;
  }
  std::string detail = formats.empty()
                           ? "workflow " + workflow_id + " wrote no subtitles"
                           : "workflow " + workflow_id + " has no " + format + " subtitles (it has:";
  for (const auto& f : formats) detail += " " + f;
  if (!formats.empty()) detail += "); ask for one of those, or add it to formats";
  throw Error("subtitles_not_found", detail, 404);
}

json WorkflowService::list(const std::string& status, int limit, const std::string& cursor) {
  static const std::vector<std::string> kStatuses = {"pending", "running", "completed", "failed",
                                                     "cancelled"};
  if (!status.empty() && std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end()) {
    throw Error("invalid_request", "status must be one of pending, running, completed, failed, cancelled",
                400);
  }
  if (limit < 1 || limit > 200) throw Error("invalid_request", "limit must be between 1 and 200", 400);
  double before_time = 1e300;
  std::string before_id(1, '\x7f');  // after every id
  if (!cursor.empty()) {
    const auto cut = cursor.find('_');
    try {
      if (cut == std::string::npos) throw std::invalid_argument(cursor);
      before_time = std::stod(cursor.substr(0, cut));
      before_id = cursor.substr(cut + 1);
    } catch (const std::exception&) {
      throw Error("invalid_request", "cursor must be the next_cursor of an earlier page", 400);
    }
  }
  const auto job = [this](int64_t id) { return state_.job(id); };
  json items = json::array();
  json next = nullptr;
  double last_time = 0;
  // Pages of the store, filtered here: a running workflow none of whose stages has started yet is shown as
  // pending, as on the status route.
  for (bool more = true; more && next.is_null();) {
    const auto page = state_.workflows_before(before_time, before_id, limit + 1);
    more = int(page.size()) == limit + 1;
    for (const store::WorkflowRecord& w : page) {
      before_time = w.created_at;
      before_id = w.id;
      const std::string shown = shown_status(w, job);
      if (!status.empty() && shown != status) continue;
      if (int(items.size()) == limit) {
        next = fmt::format("{}_{}", last_time, items.back()["workflow_id"].get<std::string>());
        break;
      }
      last_time = w.created_at;
      items.push_back({{"workflow_id", w.id},
                       {"status", shown},
                       {"workflow_chain", w.request["workflow_chain"]},
                       {"error", text_or_null(w.error)},
                       {"created_at", iso8601(w.created_at)},
                       {"updated_at", iso8601(w.updated_at)}});
    }
  }
  return {{"workflows", items}, {"count", items.size()}, {"next_cursor", next}};
}

json WorkflowService::cancel(const std::string& workflow_id) {
  json cancelled;
  state_.update_workflow(workflow_id, [&](std::optional<store::WorkflowRecord>& w, store::Changes& changes) {
    if (!w) throw workflow_not_found(workflow_id);
    scheduler_.advance(*w, changes);  // record stages that finished meanwhile
    if (w->status != "running") {
      throw Error("workflow_finished",
                  "workflow " + workflow_id + " has already " +
                      (w->status == "cancelled" ? "been cancelled" : w->status),
                  409);
    }
    cancelled = json::array();
    for (size_t i = 0; i < w->stages.size(); ++i) {
      store::StageRecord& s = w->stages[i];
      if (s.status != "pending" && s.status != "queued") continue;
      if (s.status == "queued") changes.cancel(s.job_id, "cancelled: workflow cancelled by request");
      s.status = "cancelled";
      s.error = "cancelled by request";
      cancelled.push_back("stage_" + std::to_string(i));
    }
    w->status = "cancelled";
    w->error = "workflow cancelled by request";
    w->updated_at = store::wall_clock();
  });
  return {{"workflow_id", workflow_id},
          {"status", "cancelled"},
          {"cancelled_stages", cancelled},
          {"message", "Workflow cancelled."}};
}

int WorkflowService::sweep() { return scheduler_.sweep(); }

}  // namespace yv::engine

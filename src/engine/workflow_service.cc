#include "engine/workflow_service.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/ids.h"
#include "core/json_util.h"
#include "engine/stage_inputs.h"
#include "engine/workflow_view.h"
#include "storage/input_paths.h"

namespace yv::engine {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Outputs of stage `index` naming files (keys *_file or *_path) that no longer exist.
// The files among a stage's outputs that are no longer in the store (or on disk).
std::vector<std::string> missing_files(const json& output, const storage::InputResolver& inputs) {
  std::vector<std::string> missing;
  for (const auto& [key, value] : output.items()) {
    if (!(key.ends_with("_file") || key.ends_with("_path")) || !value.is_string()) continue;
    try {
      inputs.resolve(value);
    } catch (const Error& e) {
      if (e.code() == "file_not_found") missing.push_back(value);
    }
  }
  return missing;
}

}  // namespace

WorkflowService::WorkflowService(const std::string& db_path, const NodeRegistry& nodes,
                                 const storage::BlobStore& store)
    : db_(db_path),
      db_path_(db_path),
      queue_(db_),
      scheduler_(db_, queue_, nodes),
      nodes_(nodes),
      inputs_(store),
      webhooks_(net::WebhookPolicy::from_environment()) {}

std::pair<int, json> WorkflowService::submit(const json& body) {
  WorkflowRequest request = parse_workflow_request(body, nodes_);
  if (request.callback) net::check_callback_url(*request.callback, webhooks_);
  // References to earlier stages' outputs are resolved when their stage runs, not here.
  const auto reference = [](const json& value) { return parse_reference(value).has_value(); };
  inputs_.resolve_params(request.spec.globals, reference);
  for (auto& [node, params] : request.spec.node_params.items()) {
    inputs_.resolve_params(params, reference);
  }
  std::lock_guard lock(mutex_);
  return request.mode == ExecutionMode::kFull ? create(request) : resume(request);
}

std::pair<int, json> WorkflowService::create(const WorkflowRequest& request) {
  const std::string id = uuid4();
  db_.transaction([&] {
    const double now = store::wall_clock();
    auto insert = db_.prepare(
        "INSERT INTO workflows (workflow_id, status, request, callback, notify, created_at, updated_at) "
        "VALUES (?1, 'running', ?2, ?3, ?3 IS NOT NULL, ?4, ?4)");
    insert.bind(1, id).bind(2, to_json(request.spec).dump()).bind(4, now);
    request.callback ? insert.bind(3, *request.callback) : insert.bind_null(3);
    insert.run();
    for (size_t i = 0; i < request.spec.chain.size(); ++i) {
      db_.prepare("INSERT INTO stages (workflow_id, idx, task_name, status) VALUES (?1, ?2, ?3, 'pending')")
          .bind(1, id)
          .bind(2, int64_t(i))
          .bind(3, request.spec.chain[i])
          .run();
    }
    scheduler_.advance_in_transaction(id);
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
  return db_.transaction([&]() -> std::pair<int, json> {
    // A stage whose job finished but was not yet recorded would otherwise look unfinished.
    scheduler_.advance_in_transaction(id);
    auto wf = db_.prepare("SELECT status, request FROM workflows WHERE workflow_id = ?1");
    wf.bind(1, id);
    if (!wf.step()) throw workflow_not_found(id);
    if (wf.text_at(0) == "running") {
      throw Error("workflow_running", "workflow " + id + " is still running: wait for it or cancel it first",
                  409);
    }
    const WorkflowSpec stored_spec = spec_from_json(json::parse(wf.text_at(1)));
    const auto given_video = request.spec.globals.find("video_path");
    if (given_video != request.spec.globals.end() &&
        stored_spec.globals.value("video_path", json()) != *given_video) {
      throw Error("invalid_request",
                  "video_path differs from the workflow's own; start a new workflow for another input", 400);
    }
    const WorkflowSpec spec = merge_specs(stored_spec, request.spec, request.merge);

    std::vector<StoredStage> stored;
    std::vector<std::optional<std::string>> outputs;
    auto q = db_.prepare("SELECT task_name, status, output FROM stages WHERE workflow_id = ?1 ORDER BY idx");
    q.bind(1, id);
    while (q.step()) {
      stored.push_back({q.text_at(0), q.text_at(1)});
      outputs.push_back(q.optional_text_at(2));
    }
    const bool incremental = request.mode == ExecutionMode::kIncremental;
    const size_t start =
        incremental ? incremental_start(stored, spec.chain) : retry_start(stored, spec.chain);
    check_references(spec, nodes_);
    for (size_t i = 0; i < start; ++i) {
      const auto missing = missing_files(json_or_null(outputs[i]), inputs_);
      if (!missing.empty()) {
        throw Error("workflow_storage_gone",
                    "the stored output of stage_" + std::to_string(i) + " is gone (" + missing[0] +
                        "): run the workflow again with execution_mode full",
                    410);
      }
    }
    const size_t total = spec.chain.size();
    json answer = {{"workflow_id", id},
                   {"execution_mode", to_string(request.mode)},
                   {"tasks_total", total},
                   {"tasks_skipped", start},
                   {"tasks_to_execute", total - start}};
    if (start == total && stored.size() == total) {
      answer["message"] = "All tasks already completed, no execution needed.";
      return {200, answer};
    }
    // Stages from `start` on run (again); a retried stage keeps its earlier run in its history.
    db_.prepare(
           "UPDATE stages SET history = json_insert(history, '$[#]', json_object('status', status, "
           "'error', error, 'job_id', job_id, 'input', json(input))) "
           "WHERE workflow_id = ?1 AND idx >= ?2 AND idx < ?3 AND job_id IS NOT NULL")
        .bind(1, id)
        .bind(2, int64_t(start))
        .bind(3, int64_t(total))
        .run();
    db_.prepare("DELETE FROM stages WHERE workflow_id = ?1 AND idx >= ?2")
        .bind(1, id)
        .bind(2, int64_t(total))
        .run();
    for (size_t i = start; i < total; ++i) {
      db_.prepare(
             "INSERT INTO stages (workflow_id, idx, task_name, status) VALUES (?1, ?2, ?3, 'pending') "
             "ON CONFLICT (workflow_id, idx) DO UPDATE SET task_name = ?3, status = 'pending', input = NULL, "
             "output = NULL, error = NULL, job_id = NULL")
          .bind(1, id)
          .bind(2, int64_t(i))
          .bind(3, spec.chain[i])
          .run();
    }
    auto update = db_.prepare(
        "UPDATE workflows SET status = 'running', request = ?2, error = NULL, updated_at = ?3, "
        "callback = COALESCE(?4, callback), notify = COALESCE(?4, callback) IS NOT NULL WHERE workflow_id = "
        "?1");
    update.bind(1, id).bind(2, to_json(spec).dump()).bind(3, store::wall_clock());
    request.callback ? update.bind(4, *request.callback) : update.bind_null(4);
    update.run();
    scheduler_.advance_in_transaction(id);
    answer["message"] =
        incremental
            ? "Incremental execution started: " + std::to_string(total - start) + " new task(s) scheduled."
            : "Retry started from stage_" + std::to_string(start) + " (" + spec.chain[start] + ").";
    return {202, answer};
  });
}

sqlite::Database& WorkflowService::reader() {
  std::lock_guard lock(readers_mutex_);
  auto& db = readers_[std::this_thread::get_id()];
  if (!db) db = std::make_unique<sqlite::Database>(db_path_);
  return *db;
}

json WorkflowService::status(const std::string& workflow_id) {
  sqlite::Database& db = reader();
  return db.snapshot([&] { return workflow_view(db, workflow_id); });
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
  std::string before_id;
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
  std::lock_guard lock(mutex_);
  // A running workflow none of whose stages has started yet is shown as pending, as on the status route.
  auto q = db_.prepare(
      "SELECT * FROM (SELECT w.workflow_id, CASE WHEN w.status = 'running' AND NOT EXISTS (SELECT 1 FROM "
      "stages "
      "s LEFT JOIN jobs j ON j.id = s.job_id WHERE s.workflow_id = w.workflow_id AND (s.status = 'completed' "
      "OR "
      "j.attempts > 0)) THEN 'pending' ELSE w.status END AS shown, w.request, w.error, w.created_at, "
      "w.updated_at FROM workflows w WHERE (w.created_at, w.workflow_id) < (?1, ?2) ORDER BY w.created_at "
      "DESC, w.workflow_id DESC) WHERE ?3 = '' OR shown = ?3 LIMIT ?4");
  q.bind(1, before_time).bind(2, before_id.empty() ? std::string(1, '\x7f') : before_id).bind(3, status);
  q.bind(4, int64_t(limit) + 1);
  json items = json::array();
  json next = nullptr;
  double last_time = 0;
  while (q.step()) {
    if (int(items.size()) == limit) {
      next = fmt::format("{}_{}", last_time, items.back()["workflow_id"].get<std::string>());
      break;
    }
    last_time = q.double_at(4);
    items.push_back({{"workflow_id", q.text_at(0)},
                     {"status", q.text_at(1)},
                     {"workflow_chain", json::parse(q.text_at(2))["workflow_chain"]},
                     {"error", text_or_null(q.optional_text_at(3))},
                     {"created_at", iso8601(q.double_at(4))},
                     {"updated_at", iso8601(q.double_at(5))}});
  }
  return {{"workflows", items}, {"count", items.size()}, {"next_cursor", next}};
}

json WorkflowService::cancel(const std::string& workflow_id) {
  std::lock_guard lock(mutex_);
  return db_.transaction([&]() -> json {
    scheduler_.advance_in_transaction(workflow_id);  // record stages that finished meanwhile
    auto wf = db_.prepare("SELECT status FROM workflows WHERE workflow_id = ?1");
    wf.bind(1, workflow_id);
    if (!wf.step()) throw workflow_not_found(workflow_id);
    if (wf.text_at(0) != "running") {
      throw Error("workflow_finished",
                  "workflow " + workflow_id + " has already " +
                      (wf.text_at(0) == "cancelled" ? "been cancelled" : wf.text_at(0)),
                  409);
    }
    json cancelled = json::array();
    auto q = db_.prepare(
        "SELECT idx, status, COALESCE(job_id, 0) FROM stages WHERE workflow_id = ?1 AND status IN "
        "('pending', "
        "'queued') ORDER BY idx");
    q.bind(1, workflow_id);
    while (q.step()) {
      if (q.text_at(1) == "queued") queue_.cancel(q.int_at(2), "cancelled: workflow cancelled by request");
      cancelled.push_back("stage_" + std::to_string(q.int_at(0)));
    }
    db_.prepare(
           "UPDATE stages SET status = 'cancelled', error = 'cancelled by request' WHERE workflow_id = ?1 "
           "AND "
           "status IN ('pending', 'queued')")
        .bind(1, workflow_id)
        .run();
    db_.prepare(
           "UPDATE workflows SET status = 'cancelled', error = 'workflow cancelled by request', updated_at = "
           "?2 "
           "WHERE workflow_id = ?1")
        .bind(1, workflow_id)
        .bind(2, store::wall_clock())
        .run();
    return {{"workflow_id", workflow_id},
            {"status", "cancelled"},
            {"cancelled_stages", cancelled},
            {"message", "Workflow cancelled."}};
  });
}

int WorkflowService::sweep() {
  std::lock_guard lock(mutex_);
  return scheduler_.sweep();
}

}  // namespace yv::engine

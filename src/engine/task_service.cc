#include "engine/task_service.h"

#include <algorithm>

#include "core/error.h"
#include "core/ids.h"
#include "core/json_util.h"
#include "engine/callback_outbox.h"
#include "storage/input_paths.h"
#include "store/sqlite/schema.h"

namespace yv::engine {
namespace {

bool valid_task_id(const std::string& id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':';
  });
}

std::string task_status(store::JobState state) {
  switch (state) {
    case store::JobState::kReady:
      return "pending";
    case store::JobState::kLeased:
      return "running";
    case store::JobState::kDone:
      return "completed";
    case store::JobState::kDead:
      return "failed";
    case store::JobState::kCancelled:
      return "cancelled";
  }
  return "pending";
}

}  // namespace

TaskService::TaskService(sqlite::Database& db, const NodeRegistry& nodes, const storage::BlobStore& store)
    : db_(db), queue_(db), nodes_(nodes), inputs_(store), webhooks_(net::WebhookPolicy::from_environment()) {
  sqlite::ensure_schema(db_);
}

nlohmann::json TaskService::submit(const nlohmann::json& body) {
  if (!body.is_object()) throw Error("invalid_request", "the body must be a JSON object", 400);
  if (!body.contains("task_name") || !body["task_name"].is_string()) {
    throw Error("invalid_request", "task_name (string) is required", 400);
  }
  const std::string task_name = body["task_name"];
  const NodeSpec& node = nodes_.get(task_name);
  nlohmann::json input = nodes_.resolve_params(node, body.value("input_data", nlohmann::json::object()));
  inputs_.resolve_params(input);
  std::string task_id = "task-" + uuid4();
  if (body.contains("task_id") && !body["task_id"].is_null()) {
    if (!body["task_id"].is_string() || !valid_task_id(body["task_id"])) {
      throw Error("invalid_request", "task_id must be 1-128 characters of letters, digits and - _ . :", 400);
    }
    task_id = body["task_id"];
  }
  std::optional<std::string> callback;
  if (body.contains("callback") && !body["callback"].is_null()) {
    if (!body["callback"].is_string()) throw Error("invalid_request", "callback must be a URL string", 400);
    callback = body["callback"].get<std::string>();
    net::check_callback_url(*callback, webhooks_);
  }
  const std::string input_text = input.dump();  // nlohmann sorts object keys: a canonical form
  const store::JobLimits limits{3, double(node.time_limit_seconds)};

  std::lock_guard lock(mutex_);
  return db_.transaction([&]() -> nlohmann::json {
    auto existing = db_.prepare("SELECT task_name, input, job_id, callback FROM tasks WHERE task_id = ?1");
    existing.bind(1, task_id);
    if (!existing.step()) {
      const int64_t job = queue_.enqueue(
          node.resource_class,
          {{"task_name", task_name}, {"params", input}, {"output_dir", "tasks/" + task_id}}, limits);
      auto insert = db_.prepare(
          "INSERT INTO tasks (task_id, task_name, input, job_id, callback, notify, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?5 IS NOT NULL, ?6)");
      insert.bind(1, task_id)
          .bind(2, task_name)
          .bind(3, input_text)
          .bind(4, job)
          .bind(6, store::wall_clock());
      callback ? insert.bind(5, *callback) : insert.bind_null(5);
      insert.run();
      return {{"task_id", task_id}, {"status", "pending"}, {"message", "Task created and queued."}};
    }
    if (existing.text_at(0) != task_name || existing.text_at(1) != input_text) {
      throw Error(
          "task_conflict",
          "task " + task_id + " already exists with a different task_name or input_data; use a new task_id",
          409);
    }
    const int64_t job = existing.int_at(2);
    const auto target = callback ? callback : existing.optional_text_at(3);
    if (callback) {
      db_.prepare("UPDATE tasks SET callback = ?1 WHERE task_id = ?2")
          .bind(1, *callback)
          .bind(2, task_id)
          .run();
    }
    const store::JobStatus s = queue_.status(job);
    if (s.state == store::JobState::kDone) {
      if (target) {  // the stored result is announced again, as a new run would be
        const nlohmann::json view = task_view(db_, queue_, task_id);
        add_callback(
            db_, "task", task_id, *target,
            {{"task_id", task_id}, {"status", "completed"}, {"result", view["result"]}, {"error", nullptr}});
      }
      return {{"task_id", task_id},
              {"status", "completed"},
              {"message", "Task already completed with the same input; returning the stored result."},
              {"reuse_info", {{"reused", true}, {"completed_at", time_or_null(s.finished_at)}}},
              {"result", {{"output", *s.result}}}};
    }
    if (s.state == store::JobState::kDead || s.state == store::JobState::kCancelled) {
      const int64_t retry = queue_.enqueue(
          node.resource_class,
          {{"task_name", task_name}, {"params", input}, {"output_dir", "tasks/" + task_id}}, limits);
      db_.prepare("UPDATE tasks SET job_id = ?1, notify = callback IS NOT NULL WHERE task_id = ?2")
          .bind(1, retry)
          .bind(2, task_id)
          .run();
      return {{"task_id", task_id}, {"status", "pending"}, {"message", "Task failed before; queued again."}};
    }
    return {{"task_id", task_id}, {"status", task_status(s.state)}, {"message", "Task already queued."}};
  });
}

nlohmann::json TaskService::status(const std::string& task_id) {
  std::lock_guard lock(mutex_);
  return task_view(db_, queue_, task_id);
}

nlohmann::json task_view(sqlite::Database& db, store::JobQueue& queue, const std::string& task_id) {
  auto q =
      db.prepare("SELECT task_name, job_id, created_at, callback IS NOT NULL FROM tasks WHERE task_id = ?1");
  q.bind(1, task_id);
  if (!q.step()) throw Error("task_not_found", "task " + task_id + " not found", 404);
  const store::JobStatus s = queue.status(q.int_at(1));
  const bool finished = s.state != store::JobState::kReady && s.state != store::JobState::kLeased;
  nlohmann::json duration = nullptr;
  if (finished && s.started_at && s.finished_at) duration = *s.finished_at - *s.started_at;
  return {{"task_id", task_id},
          {"task_name", q.text_at(0)},
          {"status", task_status(s.state)},
          {"result", s.result ? nlohmann::json{{"output", *s.result}} : nlohmann::json(nullptr)},
          {"error", s.state == store::JobState::kDone || !s.error ? nlohmann::json(nullptr)
                                                                  : nlohmann::json(*s.error)},
          {"attempts", s.attempts},
          {"created_at", iso8601(q.double_at(2))},
          {"started_at", time_or_null(s.started_at)},
          {"completed_at", finished ? time_or_null(s.finished_at) : nlohmann::json(nullptr)},
          {"duration", duration},
          {"callback_status", callback_status(db, "task", task_id, q.int_at(3) != 0)}};
}

nlohmann::json TaskService::cancel(const std::string& task_id) {
  std::lock_guard lock(mutex_);
  return db_.transaction([&]() -> nlohmann::json {
    auto q = db_.prepare("SELECT job_id FROM tasks WHERE task_id = ?1");
    q.bind(1, task_id);
    if (!q.step()) throw Error("task_not_found", "task " + task_id + " not found", 404);
    if (!queue_.cancel(q.int_at(0), "cancelled: task cancelled by request")) {
      const std::string state = task_status(queue_.status(q.int_at(0)).state);
      throw Error("task_finished",
                  "task " + task_id + " has already " + (state == "cancelled" ? "been cancelled" : state),
                  409);
    }
    return {{"task_id", task_id}, {"status", "cancelled"}, {"message", "Task cancelled."}};
  });
}

nlohmann::json describe_nodes(const NodeRegistry& nodes) {
  auto list = nlohmann::json::array();
  for (const auto& name : nodes.names()) {
    const NodeSpec& n = nodes.get(name);
    auto params = nlohmann::json::array();
    for (const auto& p : n.params) {
      params.push_back({{"name", p.name},
                        {"type", to_string(p.type)},
                        {"default", p.default_value},
                        {"required", p.required},
                        {"accepts_global", p.global},
                        {"description", p.description}});
    }
    list.push_back({{"name", n.name},
                    {"description", n.description},
                    {"parameters", params},
                    {"outputs", n.outputs},
                    {"resource_class", n.resource_class},
                    {"time_limit_seconds", n.time_limit_seconds},
                    {"deterministic", n.deterministic}});
  }
  return {{"tasks", list}, {"count", list.size()}};
}

}  // namespace yv::engine

#include "engine/task_service.h"

#include "core/error.h"
#include "core/ids.h"
#include "core/json_util.h"
#include "engine/callback_outbox.h"
#include "storage/input_paths.h"

namespace yv::engine {
namespace {

// A task waiting for a worker is "pending" (api-contract §4); otherwise as any job is shown.
std::string task_status(store::JobState state) {
  return state == store::JobState::kReady ? "pending" : store::shown_state(state);
}

}  // namespace

TaskService::TaskService(store::StateStore& state, const NodeRegistry& nodes, const storage::BlobStore& store)
    : state_(state),
      nodes_(nodes),
      inputs_(store),
      webhooks_(net::WebhookPolicy::from_environment()),
      queue_limit_(QueueLimit::from_environment()) {}

nlohmann::json TaskService::submit(const nlohmann::json& body) {
  if (!body.is_object()) throw Error("invalid_request", "the body must be a JSON object", 400);
  if (!body.contains("task_name") || !body["task_name"].is_string()) {
    throw Error("invalid_request", "task_name (string) is required", 400);
  }
  const std::string task_name = body["task_name"];
  const NodeSpec& node = nodes_.get(task_name);
  nlohmann::json input = nodes_.resolve_params(node, body.value("input_data", nlohmann::json::object()));
  const nlohmann::json given_names = inputs_.resolve_params(input);
  std::string task_id = "task-" + uuid4();
  if (body.contains("task_id") && !body["task_id"].is_null()) {
    if (!body["task_id"].is_string() || !is_safe_id(body["task_id"].get<std::string>())) {
      throw Error("invalid_request",
                  "task_id must be 1-128 characters of letters, digits and - _ . :, and not . or ..", 400);
    }
    task_id = body["task_id"];
  }
  const std::optional<store::CallbackTarget> callback = requested_callback(body);
  if (callback) net::check_callback_url(callback->url, webhooks_);
  queue_limit_.check(state_);
  const std::string input_text = input.dump();  // nlohmann sorts object keys: a canonical form
  const store::JobLimits limits{3, double(node.time_limit_seconds)};
  const nlohmann::json payload = {{"task_name", task_name},
                                  {"params", input},
                                  {"output_dir", "tasks/" + task_id},
                                  {"given_names", given_names}};

  nlohmann::json answer;
  state_.update_task(task_id, [&](std::optional<store::TaskRecord>& t, store::Changes& changes) {
    if (!t) {
      const int64_t job = changes.enqueue(node.resource_class, payload, limits);
      t = store::TaskRecord{
          task_id, task_name, input_text, job, callback, callback.has_value(), store::wall_clock()};
      answer = {{"task_id", task_id}, {"status", "pending"}, {"message", "Task created and queued."}};
      return;
    }
    if (t->task_name != task_name || t->input != input_text) {
      throw Error(
          "task_conflict",
          "task " + task_id + " already exists with a different task_name or input_data; use a new task_id",
          409);
    }
    if (callback) t->callback = callback;
    const store::JobStatus s = state_.job(t->job_id);
    if (s.state == store::JobState::kDone) {
      if (t->callback) {  // the stored result is announced again, as a new run would be
        nlohmann::json body = task_outcome(s);
        body["task_id"] = task_id;
        changes.add_callback("task", task_id, *t->callback, std::move(body));
      }
      answer = {{"task_id", task_id},
                {"status", "completed"},
                {"message", "Task already completed with the same input; returning the stored result."},
                {"reuse_info", {{"reused", true}, {"completed_at", time_or_null(s.finished_at)}}},
                {"result", {{"output", *s.result}}}};
      return;
    }
    if (s.state == store::JobState::kDead || s.state == store::JobState::kCancelled) {
      t->job_id = changes.enqueue(node.resource_class, payload, limits);
      t->notify = t->callback.has_value();
      answer = {
          {"task_id", task_id}, {"status", "pending"}, {"message", "Task failed before; queued again."}};
      return;
    }
    answer = {{"task_id", task_id}, {"status", task_status(s.state)}, {"message", "Task already queued."}};
  });
  return answer;
}

nlohmann::json TaskService::status(const std::string& task_id) { return task_view(state_, task_id); }

nlohmann::json task_outcome(const store::JobStatus& s) {
  return {{"status", task_status(s.state)},
          {"result", s.result ? nlohmann::json{{"output", *s.result}} : nlohmann::json(nullptr)},
          {"error", s.state == store::JobState::kDone || !s.error ? nlohmann::json(nullptr)
                                                                  : nlohmann::json(*s.error)}};
}

nlohmann::json task_view(store::StateStore& state, const std::string& task_id) {
  const auto t = state.task(task_id);
  if (!t) throw Error("task_not_found", "task " + task_id + " not found", 404);
  const store::JobStatus s = state.job(t->job_id);
  const bool finished = s.state != store::JobState::kReady && s.state != store::JobState::kLeased;
  nlohmann::json duration = nullptr;
  if (finished && s.started_at && s.finished_at) duration = *s.finished_at - *s.started_at;
  nlohmann::json view = task_outcome(s);
  view.update({{"task_id", task_id},
               {"task_name", t->task_name},
               {"attempts", s.attempts},
               {"created_at", iso8601(t->created_at)},
               {"started_at", time_or_null(s.started_at)},
               {"completed_at", finished ? time_or_null(s.finished_at) : nlohmann::json(nullptr)},
               {"duration", duration},
               {"callback_status", callback_status(state, "task", task_id, t->callback.has_value())}});
  return view;
}

nlohmann::json TaskService::cancel(const std::string& task_id) {
  const auto t = state_.task(task_id);
  if (!t) throw Error("task_not_found", "task " + task_id + " not found", 404);
  if (!state_.queue().cancel(t->job_id, "cancelled: task cancelled by request")) {
    const std::string state = task_status(state_.job(t->job_id).state);
    throw Error("task_finished",
                "task " + task_id + " has already " + (state == "cancelled" ? "been cancelled" : state), 409);
  }
  return {{"task_id", task_id}, {"status", "cancelled"}, {"message", "Task cancelled."}};
}

nlohmann::json describe_nodes(const NodeRegistry& nodes) {
  auto list = nlohmann::json::array();
  for (const auto& name : nodes.names()) {
    const NodeSpec& n = nodes.get(name);
    auto params = nlohmann::json::array();
    for (const auto& p : n.params) {
      nlohmann::json param = {
          {"name", p.name},         {"type", to_string(p.type)},  {"default", p.default_value},
          {"required", p.required}, {"accepts_global", p.global}, {"description", p.description}};
      if (!p.minimum.is_null()) param["minimum"] = p.minimum;
      if (!p.maximum.is_null()) param["maximum"] = p.maximum;
      if (!p.choices.is_null()) param["choices"] = p.choices;
      if (!p.pattern.empty()) param["pattern"] = p.pattern;
      if (!p.items.is_null()) param["items"] = p.items;
      if (p.length > 0) param["length"] = p.length;
      params.push_back(std::move(param));
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

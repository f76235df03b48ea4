#include "engine/monitor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>

#include "core/error.h"
#include "core/paths.h"
#include "storage/object_keys.h"

namespace yv::engine {
namespace {

using nlohmann::json;

constexpr double kForgetAfterSeconds = 24 * 3600;  // beats older than this are no longer listed
constexpr uint64_t kLowDisk = uint64_t(1) << 30, kNoDisk = uint64_t(100) << 20;

int severity(const std::string& status) { return status == "unhealthy" ? 2 : status == "warning" ? 1 : 0; }

// The worst of two statuses.
std::string worst(const std::string& a, const std::string& b) { return severity(a) >= severity(b) ? a : b; }

// {"<queue>": {"ready": n, "leased": n}}
json queues_of(const store::QueueDepth& depth) {
  json queues = json::object();
  for (const auto& [key, count] : depth) queues[key.first][key.second] = count;
  return queues;
}

// Unix seconds, as the heartbeat routes give times (core/json_util.h's time_or_null gives ISO-8601), or null.
json seconds_or_null(std::optional<double> t) { return t ? json(*t) : json(nullptr); }

json describe(const store::WorkerBeat& b) {
  json out = b.beat;
  out["worker"] = b.name;
  out["last_update"] = b.seen_at;
  return out;
}

void check_lock_key(const std::string& key) {
  if (!key.starts_with("gpu_lock:") || key.size() == 9 || key.size() > 64) {
    throw Error("invalid_request", "lock_key must be gpu_lock:<device>, e.g. gpu_lock:0", 400);
  }
}

}  // namespace

Monitor::Monitor(store::StateStore& state, const storage::BlobStore& store, const NodeRegistry& nodes,
                 MonitorOptions options)
    : state_(state), store_(store), nodes_(nodes), options_(options) {}

bool Monitor::alive(const store::WorkerBeat& beat, double now) const {
  return beat.beat.value("status", "") != "stopped" && now - beat.seen_at <= options_.dead_after_seconds;
}

json Monitor::health() {
  json components = json::object(), issues = json::array();
  std::string overall = "healthy";
  const auto report = [&](const std::string& name, json component, const std::string& issue = {}) {
    overall = worst(overall, component["status"]);
    if (!issue.empty()) issues.push_back(name + ": " + issue);
    components[name] = std::move(component);
  };
  const double now = store::wall_clock();

  std::vector<store::WorkerBeat> beats;
  store::QueueDepth depth;
  try {
    const auto start = std::chrono::steady_clock::now();
    state_.workflow("health-probe");
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    beats = state_.worker_beats();
    depth = state_.queue_depth();
    report("state_store", {{"status", "healthy"}, {"latency_ms", std::round(ms * 100) / 100}});
  } catch (const std::exception& e) {
    report("state_store", {{"status", "unhealthy"}, {"error", e.what()}},
           std::string("unreachable: ") + e.what());
  }

  std::set<std::string> served;
  json live = json::array();
  int dead = 0;
  for (const auto& b : beats) {
    if (now - b.seen_at > kForgetAfterSeconds || b.beat.value("status", "") == "stopped") continue;
    if (!alive(b, now)) {
      ++dead;
      continue;
    }
    live.push_back(b.name);
    for (const auto& q : b.beat.value("queues", json::array())) {
      const std::string queue = q.get<std::string>();
      served.insert(queue.starts_with("gpu:") ? "gpu" : queue);
    }
  }
  const bool none_live = live.empty();
  report("workers", {{"status", none_live ? "warning" : "healthy"}, {"live", live.size()}, {"dead", dead}},
         none_live ? "no live workers: queued work waits until one starts" : "");

  const json queues = queues_of(depth);
  std::string queue_status = "healthy", queue_issue;
  for (const auto& [queue, jobs] : queues.items()) {
    if (jobs.value("ready", 0) > 0 && !served.contains(queue)) {
      queue_status = "warning";
      queue_issue = std::to_string(jobs.value("ready", 0)) + " job(s) wait in queue " + queue +
                    ", which no live worker serves";
    }
  }
  report("queue", {{"status", queue_status}, {"queues", queues}}, queue_issue);

  if (store_.local()) {
    std::filesystem::path dir = data_dir();  // or the folder it will be made in
    while (!std::filesystem::exists(dir) && dir.has_parent_path() && dir != dir.parent_path())
      dir = dir.parent_path();
    std::error_code ec;
    const auto space = std::filesystem::space(dir, ec);
    const uint64_t free = ec ? 0 : space.available;
    const std::string status = free < kNoDisk ? "unhealthy" : free < kLowDisk ? "warning" : "healthy";
    report("storage", {{"status", status}, {"backend", "local"}, {"free_bytes", free}},
           status == "healthy" ? "" : "little free disk: " + std::to_string(free >> 20) + " MiB");
  } else {
    try {
      store_.stat(storage::kDefaultBucket, "health-probe");
      report("storage", {{"status", "healthy"}, {"backend", "s3"}});
    } catch (const std::exception& e) {
      report("storage", {{"status", "unhealthy"}, {"backend", "s3"}, {"error", e.what()}},
             std::string("object store unreachable: ") + e.what());
    }
  }

  json devices = json::array();
  std::string gpu_status = "healthy", gpu_issue;
  try {
    for (const std::string& key : state_.leases().keys()) {
      const auto lease = state_.leases().current(key);
      devices.push_back({{"lock_key", key},
                         {"is_locked", lease.has_value()},
                         {"lock_holder", lease ? json(lease->holder) : json(nullptr)}});
      if (lease && std::find(live.begin(), live.end(), lease->holder) == live.end()) {
        gpu_status = "warning";
        gpu_issue = key + " is held by " + lease->holder + ", which is not alive; it lapses by itself";
      }
    }
  } catch (const std::exception& e) {
    gpu_status = "unhealthy";
    gpu_issue = e.what();
  }
  report("gpu", {{"status", gpu_status}, {"devices", devices}}, gpu_issue);
  return {{"status", overall}, {"issues", issues}, {"components", components}, {"timestamp", now}};
}

json Monitor::gpu_lock_status(const std::string& key) {
  check_lock_key(key);
  const double now = store::wall_clock();
  const auto lease = state_.leases().current(key);
  json history = json::array();
  for (const auto& e : state_.leases().history(key, 20)) {
    history.push_back({{"event", e.event},
                       {"holder", e.holder},
                       {"task_name", e.task_name},
                       {"token", e.token},
                       {"timestamp", e.at}});
  }
  std::string health = "healthy";
  if (lease) {
    const auto beats = state_.worker_beats();
    const auto holder =
        std::find_if(beats.begin(), beats.end(), [&](const auto& b) { return b.name == lease->holder; });
    if (holder == beats.end() || !alive(*holder, now)) health = "warning";  // lapses within one lease
  }
  return {{"lock_key", key},
          {"is_locked", lease.has_value()},
          {"lock_holder", lease ? json(lease->holder) : json(nullptr)},
          {"task_name", lease ? json(lease->task_name) : json(nullptr)},
          {"token", lease ? json(lease->token) : json(nullptr)},
          {"acquired_at", lease ? json(lease->acquired_at) : json(nullptr)},
          {"ttl_seconds", lease ? json(std::max(0.0, lease->expires_at - now)) : json(nullptr)},
          {"health", {{"status", health}}},
          {"recent_history", history}};
}

json Monitor::release_lock(const json& body) {
  if (!body.is_object() || !body.contains("lock_key") || !body["lock_key"].is_string() ||
      !body.contains("task_name") || !body["task_name"].is_string()) {
    throw Error("invalid_request", "the body must be {\"lock_key\": \"gpu_lock:<n>\", \"task_name\": ...}",
                400);
  }
  const std::string key = body["lock_key"], task = body["task_name"];
  check_lock_key(key);
  const auto lease = state_.leases().current(key);
  if (!lease) return {{"lock_key", key}, {"released", false}, {"message", "The lock is not held."}};
  if (task != "manual" && task != lease->task_name) {
    throw Error("lock_not_held",
                key + " is held by " + lease->holder + " for " + lease->task_name + ", not " + task +
                    "; use task_name \"manual\" to release it anyway",
                409);
  }
  const auto released = state_.leases().force_release(key);
  if (!released) return {{"lock_key", key}, {"released", false}, {"message", "The lock is not held."}};
  return {
      {"lock_key", key},
      {"released", true},
      {"previous_holder", released->holder},
      {"task_name", released->task_name},
      {"message", "Released; the former holder's lease is fenced and its node stops at its next heartbeat."}};
}

json Monitor::timeout_config() const {
  json nodes = json::object();
  for (const auto& name : nodes_.names()) nodes[name] = nodes_.get(name).time_limit_seconds;
  return {{"warning", options_.dead_after_seconds},
          {"soft_timeout", options_.lease_seconds},
          {"hard_timeout", NodeSpec{}.time_limit_seconds},
          {"node_timeouts", nodes}};
}

json Monitor::task_heartbeat(const std::string& id) {
  int64_t job_id = 0;
  json stage = nullptr;
  std::optional<double> updated;
  if (const auto t = state_.task(id)) {
    job_id = t->job_id;
    stage = t->task_name;
  } else if (const auto w = state_.workflow(id)) {
    updated = w->updated_at;
    for (size_t i = 0; i < w->stages.size(); ++i) {
      if (!w->stages[i].job_id) continue;
      job_id = w->stages[i].job_id;  // the last one queued is the one that runs or ran last
      stage = "stage_" + std::to_string(i) + " (" + w->stages[i].task_name + ")";
    }
    if (!job_id)
      return {{"task_id", id},
              {"status", "pending"},
              {"last_update", *updated},
              {"worker", nullptr},
              {"stage", nullptr}};
  } else {
    throw Error("heartbeat_not_found", "no task or workflow " + id + " was ever seen", 404);
  }
  const store::JobStatus job = state_.job(job_id);
  std::string status = store::shown_state(job.state);
  json last = seconds_or_null(job.finished_at ? job.finished_at : job.started_at ? job.started_at : updated);
  if (job.state == store::JobState::kLeased) {
    const auto beats = state_.worker_beats();
    const auto holder =
        std::find_if(beats.begin(), beats.end(), [&](const auto& b) { return b.name == job.worker; });
    if (holder != beats.end()) last = holder->seen_at;
    if (holder == beats.end() || !alive(*holder, store::wall_clock())) status = "dead";
  }
  return {{"task_id", id},       {"status", status},
          {"last_update", last}, {"worker", job.worker.empty() ? json(nullptr) : json(job.worker)},
          {"stage", stage},      {"attempts", job.attempts}};
}

json Monitor::all_heartbeats() {
  const double now = store::wall_clock();
  json live = json::array(), dead = json::array(), stopped = json::array(), orphaned = json::array();
  for (const auto& b : state_.worker_beats()) {
    if (now - b.seen_at > kForgetAfterSeconds) continue;
    if (b.beat.value("status", "") == "stopped") {
      stopped.push_back(describe(b));
    } else if (alive(b, now)) {
      live.push_back(describe(b));
    } else {
      dead.push_back(describe(b));
      const int64_t job = b.beat.value("job_id", int64_t(0));
      if (b.beat.value("status", "") != "running" || !job) continue;
      const store::JobStatus s = state_.job(job);
      if (s.state == store::JobState::kLeased && s.worker == b.name) orphaned.push_back(describe(b));
    }
  }
  return {{"live", live},
          {"dead", dead},
          {"stopped", stopped},
          {"orphaned", orphaned},
          {"counts",
           {{"live", live.size()},
            {"dead", dead.size()},
            {"stopped", stopped.size()},
            {"orphaned", orphaned.size()}}},
          {"timestamp", now}};
}

json Monitor::statistics() {
  const store::Statistics stats = state_.statistics();
  json nodes = json::object();
  for (const auto& name : nodes_.names()) {
    int64_t runs = 0, attempts = 0, failures = 0, cancelled = 0;
    std::vector<double> seconds;
    for (const auto& [key, r] : stats.node_runs) {
      if (key.first != name) continue;
      runs += r.runs;
      attempts += r.attempts;
      if (key.second == "dead") failures += r.runs;
      if (key.second == "cancelled") cancelled += r.runs;
      seconds.insert(seconds.end(), r.seconds.begin(), r.seconds.end());
    }
    std::sort(seconds.begin(), seconds.end());
    const auto rate = [runs](int64_t n) { return runs ? json(double(n) / double(runs)) : json(nullptr); };
    json mean = nullptr, p95 = nullptr;
    if (!seconds.empty()) {
      mean = std::accumulate(seconds.begin(), seconds.end(), 0.0) / double(seconds.size());
      p95 = seconds[std::min(seconds.size() - 1, size_t(std::ceil(0.95 * double(seconds.size()))) - 1)];
    }
    nodes[name] = {{"runs", runs},
                   {"completed", seconds.size()},
                   {"failures", failures},
                   {"cancelled", cancelled},
                   {"retries", std::max<int64_t>(0, attempts - runs)},
                   {"failure_rate", rate(failures)},
                   {"retry_rate", rate(std::max<int64_t>(0, attempts - runs))},
                   {"mean_duration_seconds", mean},
                   {"p95_duration_seconds", p95}};
  }
  return {{"nodes", nodes},
          {"workflows", stats.workflows},
          {"queues", queues_of(stats.queue_depth)},
          {"timestamp", store::wall_clock()}};
}

}  // namespace yv::engine

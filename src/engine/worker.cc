#include "engine/worker.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/periodic.h"
#include "engine/partial_output.h"
#include "storage/input_paths.h"
#include "storage/staging.h"

namespace yv::engine {
namespace {

using Seconds = std::chrono::duration<double>;

constexpr double kBeatSeconds = 1;       // how often a worker reports itself, idle or busy
constexpr double kPatienceSeconds = 60;  // how long a result waits for the state to come back

// Runs f() until the state answers, retrying for up to kPatienceSeconds: a restart of the state store (Redis
// with AOF) between a node's end and its commit must not lose the result. Other errors propagate at once.
template <class F>
auto patiently(F&& f) {
  const auto give_up = std::chrono::steady_clock::now() + Seconds(kPatienceSeconds);
  for (;;) {
    try {
      return f();
    } catch (const Error& e) {
      if (e.code() != "state_unavailable" || std::chrono::steady_clock::now() >= give_up) throw;
      spdlog::warn("state unavailable ({}); retrying", e.detail());
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
}

}  // namespace

// One attempt at a job, shared by the thread running the node and the heartbeat thread. Every call on the
// queue or the GPU lease goes through `mutex`.
struct Worker::Attempt {
  std::mutex mutex;
  std::atomic<bool> lost{false};      // the job's lease (or the GPU's) is gone: stop and commit nothing
  std::atomic<bool> gpu_lost{false};  // the GPU lease was released under the node by an operator
  std::atomic<double> progress{0};
  PartialOutput partial;            // the node's finished segments, sent with the heartbeats
  std::optional<store::Lease> gpu;  // the device lease, once taken
};

std::string default_worker_name() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

Worker::Worker(store::StateStore& state, const NodeRegistry& nodes, WorkerOptions options)
    : state_(state), queue_(state.queue()), nodes_(nodes), options_(std::move(options)) {
  if (options_.name.empty()) options_.name = default_worker_name();
  for (const std::string& q : options_.queues) {
    if (q != "gpu" && !q.starts_with("gpu:")) {
      queues_.push_back(q);
      continue;
    }
    if (!gpu_device_.empty())
      throw Error("invalid_config", "a worker serves one GPU: give one gpu:<device>", 400);
    gpu_device_ = q == "gpu" ? "0" : q.substr(4);
    queues_.push_back("gpu");
  }
}

void Worker::beat(const nlohmann::json& doing) {
  try {
    nlohmann::json report = {
        {"queues", options_.queues},
        {"gpu", gpu_device_.empty() ? nlohmann::json(nullptr) : nlohmann::json(gpu_device_)},
        {"interval", kBeatSeconds},
        {"pid", getpid()}};
    report.update(doing);
    state_.worker_beat(options_.name, report);
  } catch (const std::exception& e) {
    spdlog::warn("worker heartbeat not recorded: {}", e.what());
  }
}

int Worker::run() {
  int processed = 0;
  auto last_reap = std::chrono::steady_clock::time_point{};
  while (!stopping_ && (options_.max_jobs == 0 || processed < options_.max_jobs)) {
    std::optional<store::Job> job;
    try {
      if (std::chrono::steady_clock::now() - last_reap >= Seconds(options_.reap_interval_seconds)) {
        queue_.reap();
        beat({{"status", "idle"}});
        last_reap = std::chrono::steady_clock::now();
      }
      job = queue_.claim(queues_, options_.name, options_.lease_seconds);
    } catch (const Error& e) {
      // The state is away (a restart, a network cut): wait for it rather than exit.
      if (e.code() != "state_unavailable") throw;
      spdlog::warn("state unavailable ({}); waiting", e.detail());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    if (!job) {
      std::this_thread::sleep_for(Seconds(options_.idle_poll_seconds));
      continue;
    }
    process(*job);
    processed++;
  }
  beat({{"status", "stopped"}});
  return processed;
}

store::Lease Worker::take_gpu(const store::Job& job, const Attempt& attempt) {
  const std::string key = "gpu_lock:" + gpu_device_;
  const std::string task = job.payload.value("task_name", "");
  const auto deadline = std::chrono::steady_clock::now() + Seconds(options_.gpu_wait_seconds);
  for (;;) {
    try {
      if (auto lease = state_.leases().acquire(key, options_.name, task, options_.lease_seconds))
        return *lease;
    } catch (const Error& e) {
      // The state is away: keep waiting, as for a busy device (the job's own lease outlasts a short outage).
      if (e.code() != "state_unavailable") throw;
      spdlog::warn("job {}: {} not taken: {}", job.id, key, e.detail());
    }
    if (attempt.lost) throw Error("cancelled", "the job was withdrawn while waiting for " + key, 409);
    if (std::chrono::steady_clock::now() >= deadline) {
      const auto holder = state_.leases().current(key);
      throw Error("gpu_unavailable",
                  "GPU资源不足: " + key + " stayed held" +
                      (holder ? " by " + holder->holder + " (" + holder->task_name + ")" : "") +
                      " for the whole wait of " + std::to_string(int(options_.gpu_wait_seconds)) + " s",
                  503);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void Worker::process(const store::Job& job) {
  const std::string task = job.payload.value("task_name", "");
  spdlog::info("job {} ({}): attempt {} on {}", job.id, task, job.attempt, options_.name);
  const nlohmann::json doing = {{"status", "running"},
                                {"job_id", job.id},
                                {"task_name", task},
                                {"workflow_id", job.payload.value("workflow_id", nlohmann::json(nullptr))},
                                {"stage", job.payload.value("stage", nlohmann::json(nullptr))}};
  beat(doing);
  Attempt attempt;
  // Renewals come every third of the lease, and at least once a second so that a cancellation stops the node
  // promptly; the GPU lease, once taken, is renewed with the job's.
  const auto renew = [&] {
    std::lock_guard lock(attempt.mutex);
    bool held = true, gpu_held = true;
    try {
      held = queue_.heartbeat(job, options_.lease_seconds, attempt.progress.load(),
                              attempt.partial.take_changed());
      if (held && attempt.gpu) gpu_held = state_.leases().renew(*attempt.gpu, options_.lease_seconds);
    } catch (const Error& e) {
      // Unanswered is not refused: keep working and renew at the next beat (the lease outlasts a short
      // outage).
      spdlog::warn("job {}: heartbeat not delivered: {}", job.id, e.detail());
      return true;
    }
    if (!held) {
      spdlog::warn("job {}: lease lost (redelivered, cancelled or timed out), abandoning it", job.id);
      attempt.lost = true;
      return false;
    }
    if (!gpu_held) {
      spdlog::warn("job {}: {} was taken back (an operator's release, or it lapsed), stopping the node",
                   job.id, attempt.gpu->key);
      attempt.gpu_lost = true;
      attempt.lost = true;
      return false;
    }
    beat(doing);
    return true;
  };
  nlohmann::json given_names = job.payload.value("given_names", nlohmann::json::object());
  try {
    const NodeSpec& node = nodes_.get(task);
    nlohmann::json params =
        nodes_.resolve_params(node, job.payload.value("params", nlohmann::json::object()));
    const std::string output_dir = job.payload.value("output_dir", "");
    const bool remote = options_.store && !options_.store->local();
    const auto scratch =
        options_.work_root / ("job-" + std::to_string(job.id)) / ("attempt-" + std::to_string(job.attempt));
    const auto work_dir = output_dir.empty() || remote ? scratch / "out" : options_.storage_root / output_dir;
    // A failure names the job's folders as clients know them: its outputs by their keys, the rest of its
    // scratch space as "scratch", never by the worker's own paths.
    given_names[work_dir.string()] = output_dir.empty() ? "output" : output_dir;
    given_names[scratch.string()] = "scratch";
    if (!options_.storage_root.empty()) given_names[(options_.storage_root / "").string()] = "";
    // Downloaded inputs (URLs; everything with a remote store) and a remote store's outputs live in the
    // scratch folder only for the run; the GPU lease lives as long as the node.
    struct Cleanup {
      std::filesystem::path dir;
      Attempt& attempt;
      store::LeaseManager& leases;
      ~Cleanup() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        std::lock_guard lock(attempt.mutex);
        if (!attempt.gpu) return;
        try {
          leases.release(*attempt.gpu);
        } catch (const std::exception& e) {
          spdlog::warn("{}: not released ({}); it lapses by itself", attempt.gpu->key, e.what());
        }
      }
    } cleanup{remote ? scratch : scratch / "in", attempt, state_.leases()};
    nlohmann::json output;
    {
      const Periodic renewals(Seconds(std::min(options_.lease_seconds / 3, kBeatSeconds)), renew);
      if (!gpu_device_.empty() && job.queue == "gpu") {
        const store::Lease lease = take_gpu(job, attempt);
        std::lock_guard lock(attempt.mutex);
        attempt.gpu = lease;
      }
      // A fetched copy is named as its source was given.
      const nlohmann::json fetched = storage::fetch_inputs(options_.store, params, scratch / "in", urls_);
      for (const auto& [local, source] : fetched.items())
        given_names[local] = given_names.value(source.get<std::string>(), source);
      std::filesystem::create_directories(work_dir);
      const std::function<void(double)> progress = [&attempt](double f) { attempt.progress = f; };
      output = node.run(NodeRun{params, progress, attempt.lost, work_dir,
                                [&attempt](nlohmann::json s) { attempt.partial.add(std::move(s)); }});
      // The last segments go out before the result, so that followers see every one before the stage ends.
      renew();
      if (options_.store && !output_dir.empty() && !attempt.lost)
        storage::publish_outputs(*options_.store, output, work_dir, output_dir);
    }
    std::lock_guard lock(attempt.mutex);
    // Both commits wait out a state outage: the node's work is done, and failing it for the outage would run
    // it again.
    if (attempt.gpu_lost) {
      patiently([&] {
        return queue_.fail(job,
                           "gpu_lease_lost: " + attempt.gpu->key +
                               " was taken back during the run (an operator's release, or it lapsed)",
                           true);
      });
    } else if (attempt.lost || !patiently([&] { return queue_.complete(job, output); })) {
      spdlog::warn("job {}: result discarded, the lease had passed to another worker", job.id);
    } else {
      spdlog::info("job {} ({}): completed", job.id, task);
    }
  } catch (const Error& e) {
    std::lock_guard lock(attempt.mutex);
    spdlog::warn("job {} ({}): {} [{}]", job.id, task, e.detail(), e.code());
    // The user's faults (4xx) and a GPU that never came free are final; a lease the operator took back is
    // not.
    const bool retry = attempt.gpu_lost || (e.http_status() >= 500 && e.code() != "gpu_unavailable");
    const std::string code = attempt.gpu_lost ? "gpu_lease_lost" : e.code();
    const std::string error = storage::as_given(code + ": " + e.detail(), given_names);
    if (!attempt.lost || attempt.gpu_lost) patiently([&] { return queue_.fail(job, error, retry); });
  } catch (const std::exception& e) {
    std::lock_guard lock(attempt.mutex);
    spdlog::error("job {} ({}): {}", job.id, task, e.what());
    const std::string error = storage::as_given(std::string("internal_error: ") + e.what(), given_names);
    if (!attempt.lost) patiently([&] { return queue_.fail(job, error, true); });
  }
  beat({{"status", "idle"}});
  if (!options_.on_finished) return;
  try {
    options_.on_finished(job);
  } catch (const std::exception& e) {
    // Not lost: the server's scheduler sweep does the same work shortly.
    spdlog::warn("job {}: scheduling after it failed: {}", job.id, e.what());
  }
}

}  // namespace yv::engine

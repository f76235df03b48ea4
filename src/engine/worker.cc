#include "engine/worker.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/periodic.h"
#include "storage/staging.h"

namespace yv::engine {
namespace {

using Seconds = std::chrono::duration<double>;

// Renews the lease of `job` until destroyed, carrying the node's progress; raises `lost` if a renewal is
// refused. The queue is used from two threads, so every call on it goes through `queue_mutex`. Renewals come
// every third of the lease, and at least once a second so that a cancellation stops the node promptly.
Periodic heartbeat(store::JobQueue& queue, std::mutex& queue_mutex, const store::Job& job,
                   double lease_seconds, const std::atomic<double>& progress, std::atomic<bool>& lost) {
  return Periodic(Seconds(std::min(lease_seconds / 3, 1.0)), [&, lease_seconds] {
    std::lock_guard queue_lock(queue_mutex);
    if (queue.heartbeat(job, lease_seconds, progress.load())) return true;
    spdlog::warn("job {}: lease lost (redelivered, cancelled or timed out), abandoning it", job.id);
    lost = true;
    return false;
  });
}

}  // namespace

std::string default_worker_name() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

Worker::Worker(store::JobQueue& queue, const NodeRegistry& nodes, WorkerOptions options)
    : queue_(queue), nodes_(nodes), options_(std::move(options)) {
  if (options_.name.empty()) options_.name = default_worker_name();
}

int Worker::run() {
  int processed = 0;
  auto last_reap = std::chrono::steady_clock::time_point{};
  while (!stopping_ && (options_.max_jobs == 0 || processed < options_.max_jobs)) {
    if (std::chrono::steady_clock::now() - last_reap >= Seconds(options_.reap_interval_seconds)) {
      queue_.reap();
      last_reap = std::chrono::steady_clock::now();
    }
    auto job = queue_.claim(options_.queues, options_.name, options_.lease_seconds);
    if (!job) {
      std::this_thread::sleep_for(Seconds(options_.idle_poll_seconds));
      continue;
    }
    process(*job);
    processed++;
  }
  return processed;
}

void Worker::process(const store::Job& job) {
  const std::string task = job.payload.value("task_name", "");
  spdlog::info("job {} ({}): attempt {} on {}", job.id, task, job.attempt, options_.name);
  std::mutex queue_mutex;
  std::atomic<bool> lost{false};
  try {
    const NodeSpec& node = nodes_.get(task);
    nlohmann::json params =
        nodes_.resolve_params(node, job.payload.value("params", nlohmann::json::object()));
    const std::string output_dir = job.payload.value("output_dir", "");
    const bool remote = options_.store && !options_.store->local();
    const auto scratch =
        options_.work_root / ("job-" + std::to_string(job.id)) / ("attempt-" + std::to_string(job.attempt));
    const auto work_dir = output_dir.empty() || remote ? scratch / "out" : options_.storage_root / output_dir;
    // Downloaded inputs (URLs; everything with a remote store) and a remote store's outputs live in the
    // scratch folder only for the run.
    struct Cleanup {
      std::filesystem::path dir;
      ~Cleanup() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
      }
    } cleanup{remote ? scratch : scratch / "in"};
    storage::fetch_inputs(options_.store, params, scratch / "in", urls_);
    std::filesystem::create_directories(work_dir);
    std::atomic<double> fraction{0};
    const std::function<void(double)> progress = [&fraction](double f) { fraction = f; };
    nlohmann::json output;
    {
      const Periodic renewals = heartbeat(queue_, queue_mutex, job, options_.lease_seconds, fraction, lost);
      output = node.run(NodeRun{params, progress, lost, work_dir});
      if (remote && !output_dir.empty())
        storage::publish_outputs(*options_.store, output, work_dir, output_dir);
    }
    std::lock_guard lock(queue_mutex);
    if (lost || !queue_.complete(job, output)) {
      spdlog::warn("job {}: result discarded, the lease had passed to another worker", job.id);
    } else {
      spdlog::info("job {} ({}): completed", job.id, task);
    }
  } catch (const Error& e) {
    std::lock_guard lock(queue_mutex);
    const bool users_fault = e.http_status() < 500;
    spdlog::warn("job {} ({}): {} [{}]", job.id, task, e.detail(), e.code());
    if (!lost) queue_.fail(job, e.code() + ": " + e.detail(), !users_fault);
  } catch (const std::exception& e) {
    std::lock_guard lock(queue_mutex);
    spdlog::error("job {} ({}): {}", job.id, task, e.what());
    if (!lost) queue_.fail(job, std::string("internal_error: ") + e.what(), true);
  }
  if (!options_.on_finished) return;
  try {
    options_.on_finished(job);
  } catch (const std::exception& e) {
    // Not lost: the server's scheduler sweep does the same work shortly.
    spdlog::warn("job {}: scheduling after it failed: {}", job.id, e.what());
  }
}

}  // namespace yv::engine

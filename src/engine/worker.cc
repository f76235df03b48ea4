#include "engine/worker.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/error.h"

namespace yv::engine {
namespace {

using Seconds = std::chrono::duration<double>;

// Renews the lease of `job` every lease/3 seconds until destroyed; raises `lost` if a renewal is refused.
// The queue is used from two threads, so every call on it goes through `queue_mutex`.
class Heartbeat {
 public:
  Heartbeat(store::JobQueue& queue, std::mutex& queue_mutex, const store::Job& job, double lease_seconds,
            std::atomic<bool>& lost)
      : thread_([&, lease_seconds] {
          std::unique_lock lock(mutex_);
          while (!done_) {
            if (wake_.wait_for(lock, Seconds(lease_seconds / 3), [&] { return done_; })) break;
            std::lock_guard queue_lock(queue_mutex);
            if (!queue.heartbeat(job, lease_seconds)) {
              spdlog::warn("job {}: lease lost, abandoning it", job.id);
              lost = true;
              break;
            }
          }
        }) {}

  ~Heartbeat() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

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
  while (!stopping_ && (options_.max_jobs == 0 || processed < options_.max_jobs)) {
    queue_.redeliver_expired();
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
    const nlohmann::json params =
        nodes_.resolve_params(node, job.payload.value("params", nlohmann::json::object()));
    const auto work_dir =
        options_.work_root / ("job-" + std::to_string(job.id)) / ("attempt-" + std::to_string(job.attempt));
    std::filesystem::create_directories(work_dir);
    const std::function<void(double)> progress = [](double) {};
    nlohmann::json output;
    {
      Heartbeat heartbeat(queue_, queue_mutex, job, options_.lease_seconds, lost);
      output = node.run(NodeRun{params, progress, lost, work_dir});
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
}

}  // namespace yv::engine

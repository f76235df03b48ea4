#include "engine/worker_pool.h"

#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>

#include "engine/child_process.h"

namespace yv::engine {

std::string self_executable() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

WorkerPool::WorkerPool(std::vector<std::string> argv, int size) : argv_(std::move(argv)), size_(size) {}

WorkerPool::~WorkerPool() { stop(); }

pid_t WorkerPool::spawn() const { return spawn_child(argv_); }

void WorkerPool::start() {
  std::lock_guard lock(mutex_);
  running_ = true;
  for (int i = 0; i < size_; ++i) pids_.push_back(spawn());
  supervisor_ = std::thread([this] { supervise(); });
  spdlog::info("started {} worker process(es)", size_);
}

void WorkerPool::supervise() {
  while (running_) {
    int status = 0;
    const pid_t dead = waitpid(-1, &status, WNOHANG);
    if (dead <= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    std::lock_guard lock(mutex_);
    auto it = std::find(pids_.begin(), pids_.end(), dead);
    if (it == pids_.end()) continue;  // not ours
    if (!running_) {
      pids_.erase(it);
      continue;
    }
    spdlog::warn("worker process {} exited ({}); starting another", dead,
                 WIFEXITED(status) ? "status " + std::to_string(WEXITSTATUS(status))
                                   : "signal " + std::to_string(WTERMSIG(status)));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    *it = spawn();
  }
}

void WorkerPool::stop(double grace_seconds) {
  if (!running_.exchange(false)) return;
  if (supervisor_.joinable()) supervisor_.join();
  std::lock_guard lock(mutex_);
  stop_children(pids_, grace_seconds);
  pids_.clear();
}

}  // namespace yv::engine

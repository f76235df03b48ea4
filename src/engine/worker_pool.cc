#include "engine/worker_pool.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "core/error.h"

namespace yv::engine {

std::string self_executable() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

WorkerPool::WorkerPool(std::vector<std::string> argv, int size) : argv_(std::move(argv)), size_(size) {}

WorkerPool::~WorkerPool() { stop(); }

pid_t WorkerPool::spawn() const {
  std::vector<char*> args;
  for (const auto& a : argv_) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw Error("internal_error", "cannot start a worker process", 503);
  if (pid == 0) {
    // Workers ignore the terminal's Ctrl-C (the server forwards shutdown to them as SIGTERM itself), and get
    // SIGTERM if the server dies, even by kill -9: they finish their job and exit instead of running
    // orphaned.
    signal(SIGINT, SIG_IGN);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(0);  // the server died before prctl took effect
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

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
  for (pid_t pid : pids_) kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_seconds);
  for (pid_t pid : pids_) {
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  pids_.clear();
}

}  // namespace yv::engine

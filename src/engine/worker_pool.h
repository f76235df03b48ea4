// Supervised worker processes for the embedded deployment (`yivideo serve --workers N`).
//
// Nodes run in separate processes so that a crashing decoder or an out-of-memory model never takes the API
// down. The pool starts N copies of a command line, restarts any that exits while the pool is running (after
// a short pause, so a worker that cannot start does not spin), and on stop() asks them to finish with
// SIGTERM, then kills those that have not exited within the grace period. A job held by a killed worker is
// not lost: its lease lapses and another worker runs it again. Workers never outlive the server: they get
// SIGTERM when it dies, even by kill -9, finish their job and exit.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace yv::engine {

class WorkerPool {
 public:
  WorkerPool(std::vector<std::string> argv, int size);
  ~WorkerPool();  // stop()s
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  void stop(double grace_seconds = 10);

 private:
  void supervise();
  pid_t spawn() const;

  std::vector<std::string> argv_;
  int size_;
  std::mutex mutex_;
  std::vector<pid_t> pids_;
  std::atomic<bool> running_{false};
  std::thread supervisor_;
};

// The path of the running executable (/proc/self/exe).
std::string self_executable();

}  // namespace yv::engine

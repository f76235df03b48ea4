// Runs a function on its own thread at a fixed interval until destroyed, or until the function returns
// false. Used for lease heartbeats and the scheduler's sweep. Destruction wakes the thread at once and joins
// it, so the function never runs after the destructor returns.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace yv {

class Periodic {
 public:
  // The first call happens one interval after construction.
  Periodic(std::chrono::duration<double> interval, std::function<bool()> fn)
      : fn_(std::move(fn)), thread_([this, interval] {
          std::unique_lock lock(mutex_);
          while (!wake_.wait_for(lock, interval, [this] { return done_; })) {
            if (!fn_()) break;
          }
        }) {}

  ~Periodic() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  std::function<bool()> fn_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace yv

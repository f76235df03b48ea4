#include "store/job_queue.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace yv::store {

JobState parse_job_state(std::string_view name) {
  if (name == "ready") return JobState::kReady;
  if (name == "leased") return JobState::kLeased;
  if (name == "done") return JobState::kDone;
  if (name == "cancelled") return JobState::kCancelled;
  return JobState::kDead;
}

const char* shown_state(JobState state) {
  switch (state) {
    case JobState::kReady:
      return "queued";
    case JobState::kLeased:
      return "running";
    case JobState::kDone:
      return "completed";
    case JobState::kDead:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
  }
  return "queued";
}

void log_lapsed_lease(int64_t id, const std::string& worker) {
  spdlog::warn(
      "job {}: the lease of worker {} lapsed (it stopped heartbeating); the job is redelivered or, "
      "out of attempts, failed",
      id, worker);
}

double wall_clock() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace yv::store

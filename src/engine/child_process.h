// Child processes the server supervises (worker processes, the local llama-server): started so that they
// never outlive it, and stopped with a grace period.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace yv::engine {

// Starts argv[0] (a path) with its arguments. The child ignores the terminal's Ctrl-C (the server forwards
// shutdown itself, as SIGTERM) and gets SIGTERM if the server dies, even by kill -9, instead of running
// orphaned. `output_fd` >= 0 becomes its stdout and stderr. Throws yv::Error "internal_error" when fork
// fails.
pid_t spawn_child(const std::vector<std::string>& argv, int output_fd = -1);

// Sends SIGTERM to each of `pids`, waits up to `grace_seconds` for them all, then kills those left with
// SIGKILL and reaps them. A pid already reaped elsewhere counts as stopped.
void stop_children(const std::vector<pid_t>& pids, double grace_seconds);

}  // namespace yv::engine

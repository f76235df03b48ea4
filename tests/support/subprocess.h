// Running the yivideo binary from tests, as a user would.
#pragma once

#include <netinet/in.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace yv::test {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal number when killed
  std::string out, err;
};

// Runs argv[0] (a path) with its arguments, waits, and returns its exit status and output.
ProcessResult run_process(const std::vector<std::string>& argv);

// A process running in the background for the duration of a test; killed if still alive at destruction.
class ChildProcess {
 public:
  // env: extra "NAME=value" entries added to the child's environment; stdout and stderr are appended to
  // `log`.
  explicit ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                        const std::string& log = "/dev/null");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool alive();
  pid_t pid() const { return pid_; }
  // Sends `sig` and waits; returns the exit status as ProcessResult::exit_code does.
  int stop(int sig);

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// 127.0.0.1:`port` as a socket address (port 0: any, for bind()).
sockaddr_in loopback_address(int port);

}  // namespace yv::test

// A live `yivideo serve` with its worker processes, as clients meet it: its own port, data directory and
// state database, started and stopped (gracefully or with kill -9) by the test, and restartable on the same
// state. Its log is <dir>/serve.log.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace yv::test {

class LiveServer {
 public:
  struct Options {
    int workers = 1;
    double lease_seconds = 0;        // 0: the workers' default
    std::vector<std::string> env;    // extra "NAME=value" for the server (and so its workers)
    std::string backend;             // --backend (e.g. a Redis URL); empty: a SQLite file in its directory
    std::vector<std::string> args;   // more options for `yivideo serve`
    std::string host = "127.0.0.1";  // the address it listens on, and clients call
    std::vector<std::string> command_prefix;  // runs the server through this (e.g. ip netns exec <ns>)
  };
  // Input files may be read from the shared and synthesized fixture directories.
  explicit LiveServer(const std::string& name, Options options);
  explicit LiveServer(const std::string& name) : LiveServer(name, Options{}) {}
  ~LiveServer();  // stops the server gracefully and deletes its directory

  // Starts (or restarts) the server and waits until it answers.
  void start();
  // Sends `sig` to the server and waits for it; returns its exit status (128 + signal when killed).
  int stop(int sig);
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  // The server's worker processes.
  std::vector<pid_t> worker_pids() const;

  int port() const { return port_; }
  const std::string& host() const { return options_.host; }
  const std::filesystem::path& dir() const { return dir_; }
  // The state backend: the Redis URL given, or the path of its SQLite file.
  std::string backend() const {
    return options_.backend.empty() ? (dir_ / "state.db").string() : options_.backend;
  }
  // The folder of the default bucket, where uploads and workflow outputs are stored.
  std::filesystem::path bucket_dir() const { return dir_ / "data" / "files" / "yivideo"; }
  // The local file of an output named "/share/<key>" (the local store's object of that key).
  std::filesystem::path stored_file(const std::string& share_name) const {
    return bucket_dir() / share_name.substr(std::string("/share/").size());
  }

  // One HTTP request; the JSON body of the answer. Checks that the answer came with `expected_status` and,
  // for errors, that it has the contract's {"detail", "code"} shape.
  nlohmann::json call(const std::string& method, const std::string& path, const std::string& body = "",
                      int expected_status = 200) const;
  nlohmann::json get(const std::string& path, int expected_status = 200) const {
    return call("GET", path, "", expected_status);
  }
  nlohmann::json post(const std::string& path, const nlohmann::json& body, int expected_status = 200) const {
    return call("POST", path, body.dump(), expected_status);
  }
  // Polls the workflow's status like the quick-start's script (every 100 ms, at most 2 minutes) until it is
  // no longer pending or running; returns the last status.
  nlohmann::json wait_for_workflow(const std::string& id) const {
    return wait_settled("/v1/workflows/status/" + id, 120);
  }
  // The same for a single task, for at most `seconds`.
  nlohmann::json wait_for_task(const std::string& id, double seconds) const {
    return wait_settled("/v1/tasks/" + id + "/status", seconds);
  }
  // GETs `path` every 100 ms until its "status" is neither pending nor running, or `seconds` pass.
  nlohmann::json wait_settled(const std::string& path, double seconds) const;
  // Sends `bytes` as they are on a new connection, then reads until the server closes it or `wait_seconds`
  // pass; returns what came back. For requests no well-behaved client would send.
  std::string raw(const std::string& bytes, double wait_seconds = 5) const;

 private:
  Options options_;
  std::filesystem::path dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace yv::test

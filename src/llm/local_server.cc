#include "llm/local_server.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "core/error.h"
#include "engine/child_process.h"

namespace yv::llm {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

int number(const char* name, int fallback, int low, int high) {
  const std::string text = env(name);
  if (text.empty()) return fallback;
  try {
    size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == text.size() && value >= low && value <= high) return value;
  } catch (const std::exception&) {
  }
  throw Error("invalid_config", std::string(name) + " must be a whole number from " + std::to_string(low) +
                                    " to " + std::to_string(high) + ", not '" + text + "'");
}

}  // namespace

std::optional<LocalServerSettings> local_server_settings(const std::filesystem::path& log) {
  LocalServerSettings s;
  s.model = env("YIVIDEO_LLM_LOCAL_MODEL");
  if (s.model.empty()) return std::nullopt;
  if (!std::filesystem::is_regular_file(s.model))
    throw Error("invalid_config", "YIVIDEO_LLM_LOCAL_MODEL names no file: " + s.model);
  s.binary = env("YIVIDEO_LLAMA_SERVER");
  if (s.binary.empty() || access(s.binary.c_str(), X_OK) != 0) {
    throw Error("invalid_config",
                "YIVIDEO_LLM_LOCAL_MODEL is set but YIVIDEO_LLAMA_SERVER names no llama-server "
                "program ('" +
                    s.binary + "'); scripts/serve builds one");
  }
  s.port = number("YIVIDEO_LLM_LOCAL_PORT", s.port, 1, 65535);
  s.context = number("YIVIDEO_LLM_LOCAL_CONTEXT", s.context, 512, 1 << 20);
  s.threads = number("YIVIDEO_LLM_LOCAL_THREADS", 0, 0, 1024);
  s.log = log;
  return s;
}

std::string LocalServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(settings_.port) + "/v1";
}

pid_t LocalServer::spawn() const {
  std::vector<std::string> argv = {settings_.binary,
                                   "--model",
                                   settings_.model,
                                   "--host",
                                   "127.0.0.1",
                                   "--port",
                                   std::to_string(settings_.port),
                                   "--ctx-size",
                                   std::to_string(settings_.context),
                                   "--parallel",
                                   "2",
                                   "--no-webui"};
  if (settings_.threads > 0) argv.insert(argv.end(), {"--threads", std::to_string(settings_.threads)});
  const int out = open(settings_.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const pid_t pid = engine::spawn_child(argv, out);
  if (out >= 0) close(out);
  return pid;
}

void LocalServer::start() {
  std::error_code ignored;  // without the folder, its output goes to the server's own
  std::filesystem::create_directories(settings_.log.parent_path(), ignored);
  running_ = true;
  pid_ = spawn();
  spdlog::info("started llama-server (pid {}) on {} with {}; log {}", pid_.load(), base_url(),
               settings_.model, settings_.log.string());
  supervisor_ = std::thread([this] { supervise(); });
}

void LocalServer::supervise() {
  double pause = 1;
  auto started = std::chrono::steady_clock::now();
  while (running_) {
    int status = 0;
    const pid_t got = waitpid(pid_, &status, WNOHANG);
    // ECHILD: another supervisor's waitpid(-1) (the worker pool's) reaped it; it has exited all the same.
    if (got == 0 || (got < 0 && errno != ECHILD)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    if (!running_) break;
    // A server that ran for a minute was healthy: the next failure starts the back-off again.
    if (std::chrono::steady_clock::now() - started > std::chrono::minutes(1)) pause = 1;
    spdlog::warn("llama-server exited ({}); starting it again in {} s (log {})",
                 got < 0             ? std::string("reaped elsewhere")
                 : WIFEXITED(status) ? "status " + std::to_string(WEXITSTATUS(status))
                                     : "signal " + std::to_string(WTERMSIG(status)),
                 pause, settings_.log.string());
    for (auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(pause);
         running_ && std::chrono::steady_clock::now() < until;)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    pause = std::min(60.0, pause * 2);
    if (!running_) break;
    started = std::chrono::steady_clock::now();
    pid_ = spawn();
  }
}

void LocalServer::stop(double grace_seconds) {
  if (!running_.exchange(false)) return;
  if (supervisor_.joinable()) supervisor_.join();
  engine::stop_children({pid_.load()}, grace_seconds);
}

}  // namespace yv::llm

// The local LLM provider run by `yivideo serve`: llama.cpp's llama-server on loopback, started with the
// server and restarted when it exits, so that users without an account at a provider get a working `local`
// one.
//
// It is started when YIVIDEO_LLM_LOCAL_MODEL names a GGUF file (scripts/serve sets it to the model that
// scripts/lib/deps.sh installed; an empty value turns it off). The other settings:
//   YIVIDEO_LLAMA_SERVER        the llama-server binary (scripts/lib/deps.sh builds it and sets this)
//   YIVIDEO_LLM_LOCAL_PORT      its loopback port (8081)
//   YIVIDEO_LLM_LOCAL_CONTEXT   context tokens, shared by its 2 parallel slots (8192)
//   YIVIDEO_LLM_LOCAL_THREADS   CPU threads (llama-server's default when unset)
// The workers are pointed at it through YIVIDEO_LLM_LOCAL_BASE_URL (providers.h). Its output goes to
// llama-server.log in the data directory.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace yv::llm {

struct LocalServerSettings {
  std::string binary;
  std::string model;
  int port = 8081;
  int context = 8192;
  int threads = 0;  // 0: llama-server's default
  std::filesystem::path log;
};

// The settings above; nullopt when YIVIDEO_LLM_LOCAL_MODEL is unset or empty. Throws yv::Error
// "invalid_config" when the model or the binary is missing or a number is not one.
std::optional<LocalServerSettings> local_server_settings(const std::filesystem::path& log);

class LocalServer {
 public:
  explicit LocalServer(LocalServerSettings settings) : settings_(std::move(settings)) {}
  ~LocalServer() { stop(); }
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  // Starts llama-server and a thread that restarts it when it exits (after a pause that doubles, up to a
  // minute, while it keeps failing). Returns at once: until the model is loaded the server answers 503, which
  // the chat client retries.
  void start();
  // SIGTERM, then SIGKILL after `grace_seconds`.
  void stop(double grace_seconds = 5);

  // http://127.0.0.1:<port>/v1
  std::string base_url() const;

 private:
  pid_t spawn() const;
  void supervise();

  LocalServerSettings settings_;
  std::atomic<pid_t> pid_{-1};
  std::atomic<bool> running_{false};
  std::thread supervisor_;
};

}  // namespace yv::llm

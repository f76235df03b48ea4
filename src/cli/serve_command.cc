// `yivideo serve`: the embedded deployment on one machine: the HTTP API, the state database (SQLite) and a
// supervised pool of worker processes.
//
// SIGINT/SIGTERM stop the server gracefully. Libraries start threads before main() (OpenBLAS spawns its pool
// when loaded), so blocking the signals and sigwait()ing cannot catch them reliably; instead the handler only
// writes a byte to a pipe (async-signal-safe) and an ordinary thread reading the pipe calls stop().
#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "core/build_info.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/periodic.h"
#include "engine/callback_outbox.h"
#include "engine/metrics.h"
#include "engine/monitor.h"
#include "engine/task_service.h"
#include "engine/worker_pool.h"
#include "engine/workflow_service.h"
#include "http/api_server.h"
#include "http/audio_routes.h"
#include "http/auth_routes.h"
#include "http/event_routes.h"
#include "http/file_routes.h"
#include "http/model_routes.h"
#include "http/monitoring_routes.h"
#include "http/openapi.h"
#include "http/studio_routes.h"
#include "http/task_routes.h"
#include "http/workflow_routes.h"
#include "llm/local_server.h"
#include "nodes/builtin_nodes.h"
#include "storage/input_paths.h"
#include "storage/open_store.h"
#include "store/open_state.h"

namespace yv::cli {
namespace {

int g_stop_pipe[2] = {-1, -1};

void on_stop_signal(int sig) {
  const unsigned char byte = static_cast<unsigned char>(sig);
  [[maybe_unused]] ssize_t n = write(g_stop_pipe[1], &byte, 1);
}

struct ServeOptions {
  http::ServerOptions http;
  std::string db = (data_dir() / "yivideo.db").string();
  std::string backend;  // empty: the SQLite file `db`
  int workers = 1;
  double lease_seconds = 30;
  std::vector<std::string> queues{"cpu"};  // what the worker processes serve
  double gpu_wait_seconds = 300;
  double dead_after_seconds = 10;
  bool insecure_no_auth = false;  // listen beyond loopback without API keys
};

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// API keys from the environment and the keys file. Anyone who can reach a port beyond loopback could
// otherwise upload, delete and cancel at will: such a server does not start without keys unless told to.
std::shared_ptr<http::auth::AccessControl> access_control(const ServeOptions& o) {
  auto access = http::auth::AccessControl::from_environment();
  if (access->enabled()) return access;
  if (!is_loopback(o.http.host) && !o.insecure_no_auth) {
    throw Error("auth_required",
                "refusing to listen on " + o.http.host +
                    " without API keys: create one (yivideo keys create --name admin --scopes admin) or set "
                    "YIVIDEO_ADMIN_KEY, or pass --insecure-no-auth to serve everyone who can reach the port");
  }
  if (!is_loopback(o.http.host))
    spdlog::warn("--insecure-no-auth: serving {} without API keys; anyone who reaches it may use it",
                 o.http.host);
  return access;
}

int serve(const ServeOptions& o) {
  http::ServerOptions http_options = o.http.with_environment();
  http_options.access = access_control(o);
  curl_global_init(CURL_GLOBAL_DEFAULT);  // before any thread uses libcurl
  if (pipe(g_stop_pipe) != 0) throw Error("internal_error", "cannot create the shutdown pipe", 500);
  const std::string backend = o.backend.empty() ? o.db : o.backend;
  const std::unique_ptr<store::StateStore> state = store::open_state(backend);
  const engine::NodeRegistry nodes = builtin_nodes();
  const std::unique_ptr<storage::BlobStore> store = storage::open_store();
  engine::TaskService tasks(*state, nodes, *store);
  engine::WorkflowService workflows(*state, nodes, *store);
  engine::Metrics metrics(*state);
  engine::Monitor monitor(*state, *store, nodes,
                          {.lease_seconds = o.lease_seconds, .dead_after_seconds = o.dead_after_seconds});
  http::ApiServer server(http_options, [&](http::Router& routes) {
    http::add_task_routes(routes, tasks, nodes);
    http::add_workflow_routes(routes, workflows, *store);
    http::add_event_routes(routes, *state);
    http::add_file_routes(routes, *store);
    http::add_monitoring_routes(routes, metrics, monitor);
    http::add_model_routes(routes);
    http::add_audio_routes(routes, tasks, *store, nodes);
    http::add_key_routes(routes, http_options.access->keys());
    http::add_studio_routes(routes);
    http::add_docs_routes(routes, nodes);  // last: it documents every route
  });
  server.bind();
  // The scheduler's pass: reaps lapsed leases and time limits, and advances workflows whose worker died
  // between committing a stage and scheduling the next.
  const Periodic sweeper(std::chrono::milliseconds(250), [&workflows] {
    try {
      workflows.sweep();
    } catch (const std::exception& e) {
      spdlog::warn("scheduler sweep: {}", e.what());
    }
    return true;
  });
  // Webhooks go out from their own thread: a slow receiver must not hold up the scheduler.
  engine::CallbackOutbox outbox(*state, engine::OutboxOptions::from_environment());
  const Periodic deliverer(std::chrono::milliseconds(250), [&outbox] {
    try {
      outbox.collect();
      outbox.deliver_due();
    } catch (const std::exception& e) {
      spdlog::warn("callback outbox: {}", e.what());
    }
    return true;
  });
  // The local LLM provider (llm/local_server.h), when configured; the workers inherit where it listens.
  std::optional<llm::LocalServer> llm_server;
  if (auto settings = llm::local_server_settings(data_dir() / "llama-server.log")) {
    llm_server.emplace(std::move(*settings));
    setenv("YIVIDEO_LLM_LOCAL_BASE_URL", llm_server->base_url().c_str(), 1);
    llm_server->start();
  }
  engine::WorkerPool workers(
      {engine::self_executable(), "worker", "--backend", backend, "--lease", std::to_string(o.lease_seconds),
       "--queues", fmt::format("{}", fmt::join(o.queues, ",")), "--gpu-wait",
       std::to_string(o.gpu_wait_seconds)},
      o.workers);
  workers.start();
  const auto& options = o.http;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  spdlog::info("yivideo {} listening on http://{}:{}", kVersion, options.host, server.port());
  std::thread waiter([&] {
    unsigned char sig = 0;
    if (read(g_stop_pipe[0], &sig, 1) == 1 && sig != 0) spdlog::info("signal {}: shutting down", int(sig));
    server.stop();
  });
  server.run();
  // run() returns after stop(); if it returned for another reason, release the waiter with a zero byte.
  on_stop_signal(0);
  waiter.join();
  workers.stop();
  if (llm_server) llm_server->stop();
  return 0;
}

}  // namespace

Command add_serve(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Start the HTTP API");
  auto options = std::make_shared<ServeOptions>();
  cmd->add_option("--host", options->http.host, "Address to listen on (0.0.0.0 to expose on every interface)")
      ->capture_default_str();
  cmd->add_option("--port", options->http.port, "TCP port (0 picks a free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--db", options->db, "State database (SQLite), shared with the workers")
      ->capture_default_str();
  cmd->add_option(
      "--backend", options->backend,
      "Shared state instead of the SQLite file: redis://host:port[/db] for the scale-out deployment");
  cmd->add_option("--workers", options->workers, "Worker processes to run beside the API")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  cmd->add_option("--queues", options->queues,
                  "Resource classes the worker processes serve; gpu:<device> serves GPU nodes on that device")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--gpu-wait", options->gpu_wait_seconds,
                  "Seconds a GPU node waits for its device's lease before failing with gpu_unavailable")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--dead-after", options->dead_after_seconds,
                  "Seconds of silence after which monitoring reports a worker dead")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--insecure-no-auth", options->insecure_no_auth,
                "Listen beyond loopback without API keys (only behind something else that checks callers)");
  cmd->add_option("--lease", options->lease_seconds,
                  "Workers' lease in seconds: how soon the job of a worker that died runs again")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  return {cmd, [options] { return serve(*options); }};
}

}  // namespace yv::cli

// `yivideo worker`: run workers alone, serving the queues of a shared state: the embedded SQLite file, or
// Redis (`--backend redis://…`) for workers on other hosts.
//
// SIGINT/SIGTERM let the current job finish (its lease is still held) and then exit; kill -9 loses nothing
// either: the lease lapses and another worker re-runs the job.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>

#include "cli/commands.h"
#include "core/paths.h"
#include "engine/scheduler.h"
#include "engine/worker.h"
#include "nodes/builtin_nodes.h"
#include "storage/object_keys.h"
#include "storage/open_store.h"
#include "store/open_state.h"

namespace yv::cli {
namespace {

struct WorkerCommandOptions {
  std::string db = (data_dir() / "yivideo.db").string();
  std::string backend;  // empty: the SQLite file `db`
  engine::WorkerOptions worker;
};

engine::Worker* g_worker = nullptr;

void on_stop_signal(int) {
  if (g_worker) g_worker->stop();
}

int run_worker(WorkerCommandOptions o) {
  const std::string backend = o.backend.empty() ? o.db : o.backend;
  const std::unique_ptr<store::StateStore> state = store::open_state(backend);
  const engine::NodeRegistry nodes = builtin_nodes();
  // The worker schedules the next stage of a workflow itself, so chains advance without waiting for the
  // server's sweep (and without any server, for workers on other hosts).
  engine::Scheduler scheduler(*state, nodes);
  o.worker.storage_root = storage::bucket_dir(storage::kDefaultBucket);
  const std::unique_ptr<storage::BlobStore> store = storage::open_store();
  o.worker.store = store.get();
  o.worker.on_finished = [&scheduler](const store::Job& job) {
    if (job.payload.contains("workflow_id")) scheduler.advance(job.payload["workflow_id"]);
  };
  engine::Worker worker(*state, nodes, o.worker);
  g_worker = &worker;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  spdlog::info("worker serving {} from {}", fmt::join(o.worker.queues, ","), backend);
  const int processed = worker.run();
  g_worker = nullptr;
  spdlog::info("worker stopping after {} job(s)", processed);
  return 0;
}

}  // namespace

Command add_worker(CLI::App& app) {
  auto* cmd = app.add_subcommand("worker", "Run a worker that executes queued nodes");
  auto o = std::make_shared<WorkerCommandOptions>();
  cmd->add_option("--db", o->db, "State database (SQLite) shared with the server")->capture_default_str();
  cmd->add_option(
      "--backend", o->backend,
      "Shared state instead of the SQLite file: redis://host:port[/db] for the scale-out deployment");
  cmd->add_option("--queues", o->worker.queues,
                  "Resource classes to serve, comma-separated; gpu:<device> serves GPU nodes on that device")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--name", o->worker.name, "Name shown as the lease holder (default host:pid)");
  cmd->add_option("--lease", o->worker.lease_seconds, "Lease length in seconds; renewed every third of it")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--gpu-wait", o->worker.gpu_wait_seconds,
                  "Seconds a GPU node waits for its device's lease before failing with gpu_unavailable")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-jobs", o->worker.max_jobs, "Exit after this many jobs (0: run until stopped)")
      ->capture_default_str();
  cmd->add_option("--work-dir", o->worker.work_root, "Scratch directory for running nodes")
      ->capture_default_str();
  return {cmd, [o] { return run_worker(*o); }};
}

}  // namespace yv::cli

// The worker loop: claim a job, run its node, commit the result, repeat.
//
// A job's payload is {"task_name": <node>, "params": {...}} plus, for a workflow stage, "workflow_id",
// "stage" and "output_dir" (where its files go, relative to the storage root), and "given_names": the input
// files' names as the client gave them, by the server's names in "params" (storage/input_paths.h); a failed
// job's error names its inputs by those, and its outputs and other store objects by their keys, never by the
// server's paths or a worker's copies. While the node
// runs, a heartbeat thread renews the lease (every third of it, at least once a second, carrying the node's
// progress); if a renewal is refused (the lease lapsed and the job went to another worker, or the job was
// cancelled or timed out) the node is told to stop through NodeRun::cancelled, and its result is discarded —
// the queue's fencing token refuses it anyway. Failures the user caused (a yv::Error with a 4xx status) are
// not retried; anything else is, up to the job's attempt limit. Each loop also reaps lapsed leases, so a lone
// worker recovers the jobs of a dead one.
//
// A state outage (a Redis restart) is ridden out: claims wait for it, heartbeats that go unanswered are tried
// again at the next beat (the lease outlasts a short outage), and a node's result or failure waits up to a
// minute to be committed rather than being failed and run again.
//
// GPU nodes: a worker serving "gpu:<device>" claims from the "gpu" queue and runs each such job under the
// device's lease `gpu_lock:<device>` (store/lease_manager.h), taken before the node starts (waiting up to
// gpu_wait_seconds, then failing the job with "gpu_unavailable", not retried), renewed with the job's
// heartbeat and released when the node ends. If an operator releases it meanwhile, the node is stopped, its
// result discarded, and the job failed with "gpu_lease_lost" to be run again.
//
// The worker reports itself with a heartbeat (StateStore::worker_beat: queues, device, the job it runs)
// every second, for the monitoring routes.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/node_registry.h"
#include "net/download.h"
#include "storage/blob_store.h"
#include "store/state_store.h"

namespace yv::engine {

struct WorkerOptions {
  std::string name;  // shown as the lease holder; default "<host>:<pid>"
  // Resource classes this worker serves; "gpu:<device>" (at most one) serves "gpu" on that device.
  std::vector<std::string> queues{"cpu"};
  double lease_seconds = 30;         // how long a silent worker keeps its job
  double idle_poll_seconds = 0.02;   // sleep between claims when the queue is empty (a cheap read)
  double reap_interval_seconds = 1;  // how often the loop reaps lapsed leases and reports itself
  double gpu_wait_seconds = 300;     // how long a GPU job waits for its device's lease
  int max_jobs = 0;                  // stop after this many jobs (0: run until stop())
  std::filesystem::path work_root = std::filesystem::temp_directory_path() / "yivideo-work";
  std::filesystem::path storage_root;  // base of workflow stages' output_dir: the default bucket's folder
  // The object store. A remote one (S3) makes the worker fetch inputs and publish outputs; a local one has
  // stages write straight into storage_root/<output_dir>; with either, outputs and inputs are "/share/..."
  // names (storage/staging.h). nullptr (tests of the worker alone): local paths throughout.
  const storage::BlobStore* store = nullptr;
  // Called after a job's outcome was committed (completed or failed), e.g. to schedule the next stage.
  std::function<void(const store::Job&)> on_finished;
};

class Worker {
 public:
  // Throws yv::Error "invalid_config" (400) for more than one GPU device in options.queues.
  Worker(store::StateStore& state, const NodeRegistry& nodes, WorkerOptions options);

  // Processes jobs until stop() is called or max_jobs are done. Returns the number of jobs processed.
  int run();
  // Thread- and signal-safe: makes run() return after the current job.
  void stop() { stopping_ = true; }

 private:
  struct Attempt;

  // Runs one claimed job to its end (completed, failed or abandoned on lease loss).
  void process(const store::Job& job);
  // Takes the device's lease for the job, waiting up to gpu_wait_seconds. Throws "gpu_unavailable" (503).
  store::Lease take_gpu(const store::Job& job, const Attempt& attempt);
  // Reports this worker to the state (monitoring); never throws.
  void beat(const nlohmann::json& doing);

  store::StateStore& state_;
  store::JobQueue& queue_;
  std::vector<std::string> queues_;  // the queue names claimed from
  std::string gpu_device_;           // set when serving "gpu:<device>"
  const NodeRegistry& nodes_;
  WorkerOptions options_;
  const net::DownloadPolicy urls_ = net::DownloadPolicy::from_environment();  // limits of URL inputs
  std::atomic<bool> stopping_{false};
};

// "<hostname>:<pid>"
std::string default_worker_name();

}  // namespace yv::engine

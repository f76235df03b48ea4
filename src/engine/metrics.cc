#include "engine/metrics.h"

#include <spdlog/fmt/fmt.h>

#include "core/build_info.h"

namespace yv::engine {
namespace {

// Label values are node and queue names, which registries keep to [a-z0-9_.:-]; escape anyway.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

std::string Metrics::render() {
  const store::Statistics stats = state_.statistics();
  std::string out;
  header(out, "yivideo_build_info", "gauge", "Version of the running server");
  out += fmt::format("yivideo_build_info{{version=\"{}\"}} 1\n", kVersion);

  header(out, "yivideo_queue_depth", "gauge", "Jobs waiting (ready) or running (leased), per queue");
  for (const auto& [key, jobs] : stats.queue_depth) {
    out += fmt::format("yivideo_queue_depth{{queue=\"{}\",state=\"{}\"}} {}\n", label(key.first), key.second,
                       jobs);
  }

  header(out, "yivideo_node_runs_total", "counter", "Finished node runs, per node and outcome");
  header(out, "yivideo_node_failures_total", "counter", "Node runs that failed for good (dead-lettered)");
  header(out, "yivideo_node_attempts_total", "counter", "Deliveries of node runs, retries included");
  std::string failures, attempts, durations;
  for (const auto& [key, runs] : stats.node_runs) {
    const std::string node = label(key.first);
    const std::string& outcome = key.second;
    out +=
        fmt::format("yivideo_node_runs_total{{node=\"{}\",outcome=\"{}\"}} {}\n", node, outcome, runs.runs);
    if (outcome == "dead")
      failures += fmt::format("yivideo_node_failures_total{{node=\"{}\"}} {}\n", node, runs.runs);
    attempts += fmt::format("yivideo_node_attempts_total{{node=\"{}\",outcome=\"{}\"}} {}\n", node, outcome,
                            runs.attempts);
    if (outcome != "done") continue;
    double sum = 0;
    for (double s : runs.seconds) sum += s;
    durations +=
        fmt::format("yivideo_stage_duration_seconds_count{{node=\"{}\"}} {}\n", node, runs.seconds.size());
    durations += fmt::format("yivideo_stage_duration_seconds_sum{{node=\"{}\"}} {:.6f}\n", node, sum);
  }
  out += failures + attempts;
  header(out, "yivideo_stage_duration_seconds", "summary", "Run time of completed node runs (last attempt)");
  out += durations;

  header(out, "yivideo_workflows", "gauge", "Workflows per status");
  for (const auto& [status, count] : stats.workflows) {
    out += fmt::format("yivideo_workflows{{status=\"{}\"}} {}\n", status, count);
  }
  header(out, "yivideo_gpu_lease_held", "gauge", "1 while a worker holds the GPU lease, per lock key");
  for (const std::string& key : state_.leases().keys()) {
    out += fmt::format("yivideo_gpu_lease_held{{lock_key=\"{}\"}} {}\n", label(key),
                       state_.leases().current(key) ? 1 : 0);
  }

  header(out, "yivideo_callbacks", "gauge", "Callbacks per delivery status");
  for (const auto& [status, count] : stats.callbacks) {
    out += fmt::format("yivideo_callbacks{{status=\"{}\"}} {}\n", status, count);
  }
  return out;
}

}  // namespace yv::engine

#include "engine/metrics.h"

#include <spdlog/fmt/fmt.h>

#include "core/build_info.h"
#include "store/sqlite/schema.h"

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

Metrics::Metrics(const std::string& db_path) : db_(db_path) { sqlite::ensure_schema(db_); }

std::string Metrics::render() {
  std::lock_guard lock(mutex_);
  std::string out;
  header(out, "yivideo_build_info", "gauge", "Version of the running server");
  out += fmt::format("yivideo_build_info{{version=\"{}\"}} 1\n", kVersion);

  header(out, "yivideo_queue_depth", "gauge", "Jobs waiting (ready) or running (leased), per queue");
  auto depth = db_.prepare(
      "SELECT queue, state, count(*) FROM jobs WHERE state IN ('ready', 'leased') GROUP BY queue, state");
  while (depth.step()) {
    out += fmt::format("yivideo_queue_depth{{queue=\"{}\",state=\"{}\"}} {}\n", label(depth.text_at(0)),
                       depth.text_at(1), depth.int_at(2));
  }

  header(out, "yivideo_node_runs_total", "counter", "Finished node runs, per node and outcome");
  header(out, "yivideo_node_failures_total", "counter", "Node runs that failed for good (dead-lettered)");
  header(out, "yivideo_node_attempts_total", "counter", "Deliveries of node runs, retries included");
  auto runs = db_.prepare(
      "SELECT json_extract(payload, '$.task_name') AS node, state, count(*), sum(attempts) FROM jobs "
      "WHERE state IN ('done', 'dead', 'cancelled') GROUP BY node, state");
  std::string failures, attempts;
  while (runs.step()) {
    const std::string node = label(runs.text_at(0));
    out += fmt::format("yivideo_node_runs_total{{node=\"{}\",outcome=\"{}\"}} {}\n", node, runs.text_at(1),
                       runs.int_at(2));
    if (runs.text_at(1) == "dead") {
      failures += fmt::format("yivideo_node_failures_total{{node=\"{}\"}} {}\n", node, runs.int_at(2));
    }
    attempts += fmt::format("yivideo_node_attempts_total{{node=\"{}\",outcome=\"{}\"}} {}\n", node,
                            runs.text_at(1), runs.int_at(3));
  }
  out += failures + attempts;

  header(out, "yivideo_stage_duration_seconds", "summary", "Run time of completed node runs (last attempt)");
  auto durations = db_.prepare(
      "SELECT json_extract(payload, '$.task_name') AS node, count(*), sum(finished_at - started_at) FROM "
      "jobs "
      "WHERE state = 'done' GROUP BY node");
  while (durations.step()) {
    const std::string node = label(durations.text_at(0));
    out += fmt::format("yivideo_stage_duration_seconds_count{{node=\"{}\"}} {}\n", node, durations.int_at(1));
    out += fmt::format("yivideo_stage_duration_seconds_sum{{node=\"{}\"}} {:.6f}\n", node,
                       durations.double_at(2));
  }

  header(out, "yivideo_workflows", "gauge", "Workflows per status");
  auto workflows = db_.prepare("SELECT status, count(*) FROM workflows GROUP BY status");
  while (workflows.step()) {
    out += fmt::format("yivideo_workflows{{status=\"{}\"}} {}\n", workflows.text_at(0), workflows.int_at(1));
  }

  header(out, "yivideo_callbacks", "gauge", "Callbacks per delivery status");
  auto callbacks = db_.prepare("SELECT status, count(*) FROM callbacks GROUP BY status");
  while (callbacks.step()) {
    out += fmt::format("yivideo_callbacks{{status=\"{}\"}} {}\n", callbacks.text_at(0), callbacks.int_at(1));
  }
  return out;
}

}  // namespace yv::engine

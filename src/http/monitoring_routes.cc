#include "http/monitoring_routes.h"

#include <httplib.h>

#include "http/json_io.h"

namespace yv::http {
namespace {

constexpr const char* kPrefix = "/api/v1/monitoring";

}  // namespace

void add_monitoring_routes(Router& router, engine::Metrics& metrics, engine::Monitor& monitor) {
  router.add({"GET",
              "/metrics",
              "monitoring",
              "Prometheus metrics: queues, node runs and durations",
              {},
              nullptr,
              {{"200", {{"description", "Text exposition format 0.0.4"}, {"content_type", "text/plain"}}}}},
             [&metrics](const httplib::Request&, httplib::Response& res) {
               res.set_content(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
             });
  const std::string p = kPrefix;
  router.add(
      {"GET",
       p + "/health",
       "monitoring",
       "Health of the state store, queue, storage, workers and GPUs",
       {},
       nullptr,
       {{"200",
         {{"description", "healthy, warning or unhealthy, with the issues found"}, {"schema", "Health"}}}}},
      [&monitor](const httplib::Request&, httplib::Response& res) { send_json(res, 200, monitor.health()); });
  router.add({"GET",
              p + "/gpu-lock/status",
              "monitoring",
              "A GPU lease (?lock_key=gpu_lock:0) and its history",
              {{"lock_key",
                R"({"type": "string", "pattern": "^gpu_lock:.+$", "maxLength": 64, "default": "gpu_lock:0"})",
                "gpu_lock:<device>"}},
              nullptr,
              {{"200", {{"description", "Holder, time left and recent events"}, {"schema", "GpuLock"}}},
               {"400", "lock_key is not gpu_lock:<device>"}}},
             [&monitor](const httplib::Request& req, httplib::Response& res) {
               const std::string key =
                   req.has_param("lock_key") ? req.get_param_value("lock_key") : "gpu_lock:0";
               send_json(res, 200, monitor.gpu_lock_status(key));
             });
  router.add({"POST",
              p + "/lock/release",
              "monitoring",
              "Release a GPU lease; task_name \"manual\" releases whoever holds it (the holder is fenced)",
              {},
              {{"$ref", "#/components/schemas/LockRelease"}},
              {{"200", {{"description", "Released, or not held"}, {"schema", "LockReleased"}}},
               {"400", "lock_key or task_name missing, or lock_key is not gpu_lock:<device>"},
               {"409", "Held for another task_name (use \"manual\")"}}},
             [&monitor](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200, monitor.release_lock(parse_body(req)));
             });
  router.add({"GET",
              p + "/timeout/config",
              "monitoring",
              "The liveness limits and time limits in force",
              {},
              nullptr,
              {{"200",
                {{"description", "warning, soft_timeout, hard_timeout and node_timeouts (seconds)"},
                 {"schema", "TimeoutConfig"}}}}},
             [&monitor](const httplib::Request&, httplib::Response& res) {
               send_json(res, 200, monitor.timeout_config());
             });
  router.add({"GET",
              p + "/heartbeat/task/{task_id}",
              "monitoring",
              "The heartbeat of a task or workflow: status, worker, stage, last update",
              {},
              nullptr,
              {{"200", {{"description", "The heartbeat"}, {"schema", "Heartbeat"}}},
               {"404", "No task or workflow of this id was ever seen"}}},
             [&monitor](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200, monitor.task_heartbeat(req.matches[1]));
             });
  router.add({"GET",
              p + "/heartbeat/all",
              "monitoring",
              "Live, dead and stopped workers, and orphaned jobs",
              {},
              nullptr,
              {{"200", {{"description", "The workers' heartbeats"}, {"schema", "Heartbeats"}}}}},
             [&monitor](const httplib::Request&, httplib::Response& res) {
               send_json(res, 200, monitor.all_heartbeats());
             });
  router.add({"GET",
              p + "/statistics",
              "monitoring",
              "Runs, failures, retries and durations per node",
              {},
              nullptr,
              {{"200", {{"description", "Counts and rates per node"}, {"schema", "Statistics"}}}}},
             [&monitor](const httplib::Request&, httplib::Response& res) {
               send_json(res, 200, monitor.statistics());
             });
}

}  // namespace yv::http

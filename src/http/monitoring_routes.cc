#include "http/monitoring_routes.h"

#include <httplib.h>

namespace yv::http {

void add_monitoring_routes(Router& router, engine::Metrics& metrics) {
  router.add({"GET",
              "/metrics",
              "monitoring",
              "Prometheus metrics: queues, node runs and durations",
              {},
              nullptr,
              {{"200", "Text exposition format 0.0.4"}}},
             [&metrics](const httplib::Request&, httplib::Response& res) {
               res.set_content(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
             });
}

}  // namespace yv::http

// Monitoring routes: GET /metrics (Prometheus). The /api/v1/monitoring/... routes of api-contract.md §6 join
// them with the scale-out issue.
#pragma once

#include "engine/metrics.h"
#include "http/router.h"

namespace yv::http {

// REQUIRES: metrics outlives the server.
void add_monitoring_routes(Router& router, engine::Metrics& metrics);

}  // namespace yv::http

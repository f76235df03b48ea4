// Monitoring routes: GET /metrics (Prometheus) and the /api/v1/monitoring/... routes of api-contract.md §6
// (answers computed by engine/monitor.h).
#pragma once

#include "engine/metrics.h"
#include "engine/monitor.h"
#include "http/router.h"

namespace yv::http {

// REQUIRES: metrics and monitor outlive the server.
void add_monitoring_routes(Router& router, engine::Metrics& metrics, engine::Monitor& monitor);

}  // namespace yv::http

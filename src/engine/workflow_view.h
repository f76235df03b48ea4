// How a stored workflow looks to clients: the body of GET /v1/workflows/status/{id}, also sent as the
// stages of its callback. Stage statuses of queued stages are read live from their jobs (queued, running
// with progress, completed, failed, cancelled), so the view never lags behind the workers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "store/sqlite/database.h"

namespace yv::engine {

Error workflow_not_found(const std::string& workflow_id);

// Throws workflow_not_found (404) for an unknown id.
nlohmann::json workflow_view(sqlite::Database& db, const std::string& workflow_id);

}  // namespace yv::engine

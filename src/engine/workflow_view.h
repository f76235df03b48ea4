// How a stored workflow looks to clients: the body of GET /v1/workflows/status/{id}, also sent as the
// stages of its callback. Stage statuses of queued stages are read live from their jobs (queued, running
// with progress, completed, failed, cancelled), so the view never lags behind the workers.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "store/state_store.h"

namespace yv::engine {

Error workflow_not_found(const std::string& workflow_id);

// The view of a stored workflow, its stages' jobs read through `job`, with `callback_status` as given. With
// a `url_base` (where clients reach the API), each stage with an output also has `download_urls`: a URL for
// every file and folder in it, by the field's place in the output (storage/download_urls.h).
nlohmann::json workflow_view(const store::WorkflowRecord& workflow,
                             const std::function<store::JobStatus(int64_t)>& job,
                             nlohmann::json callback_status, const std::string& url_base = "");

// The status shown for a stored workflow: "pending" while it runs and none of its stages has started yet.
std::string shown_status(const store::WorkflowRecord& workflow,
                         const std::function<store::JobStatus(int64_t)>& job);

}  // namespace yv::engine

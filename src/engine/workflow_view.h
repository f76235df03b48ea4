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
//
// Progress keeps the contract's two scales for the clients written against it: a running stage's `progress`
// is a fraction in [0, 1], the workflow's `progress.percent` is 0-100. Beside them, a running stage has
// `percent` (0-100, one decimal: the scale the events route uses everywhere) and `eta_seconds`, the time it
// still needs at the pace it went since it started (null until 1% is done).
nlohmann::json workflow_view(const store::WorkflowRecord& workflow,
                             const std::function<store::JobStatus(int64_t)>& job,
                             nlohmann::json callback_status, const std::string& url_base = "");

// A stage's fraction done as the view and the events show it: 0-100, one decimal.
double stage_percent(double fraction);

// The status shown for a stored workflow: "pending" while it runs and none of its stages has started yet.
std::string shown_status(const store::WorkflowRecord& workflow,
                         const std::function<store::JobStatus(int64_t)>& job);

}  // namespace yv::engine

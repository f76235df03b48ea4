// Routes of api-contract.md §3: /v1/workflows.
#pragma once

#include "engine/workflow_service.h"
#include "http/router.h"

namespace yv::http {

// REQUIRES: workflows outlives the server.
void add_workflow_routes(Router& router, engine::WorkflowService& workflows);

}  // namespace yv::http

// Routes of api-contract.md §3: /v1/workflows, and a finished workflow's subtitles in one call.
#pragma once

#include "engine/workflow_service.h"
#include "http/router.h"
#include "storage/blob_store.h"

namespace yv::http {

// REQUIRES: workflows and store (where the outputs are) outlive the server.
void add_workflow_routes(Router& router, engine::WorkflowService& workflows, const storage::BlobStore& store);

}  // namespace yv::http

// Routes of api-contract.md §3: /v1/workflows.
#pragma once

#include "engine/workflow_service.h"

namespace httplib {
class Server;
}

namespace yv::http {

// REQUIRES: workflows outlives the server.
void add_workflow_routes(httplib::Server& server, engine::WorkflowService& workflows);

}  // namespace yv::http

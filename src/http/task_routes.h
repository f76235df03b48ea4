// Routes of api-contract.md §4, single tasks: POST /v1/tasks, GET /v1/tasks/{id}/status,
// DELETE /v1/tasks/{id}, GET /v1/tasks/supported-tasks.
#pragma once

#include "engine/node_registry.h"
#include "engine/task_service.h"
#include "http/router.h"

namespace yv::http {

// REQUIRES: tasks and nodes outlive the server.
void add_task_routes(Router& router, engine::TaskService& tasks, const engine::NodeRegistry& nodes);

}  // namespace yv::http

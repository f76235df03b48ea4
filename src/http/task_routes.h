// Routes of single tasks: POST /v1/tasks, GET /v1/tasks/{id}/status, GET /v1/tasks/supported-tasks.
#pragma once

#include "engine/node_registry.h"
#include "engine/task_service.h"

namespace httplib {
class Server;
}

namespace yv::http {

// REQUIRES: tasks and nodes outlive the server.
void add_task_routes(httplib::Server& server, engine::TaskService& tasks, const engine::NodeRegistry& nodes);

}  // namespace yv::http

#include "http/task_routes.h"

#include <httplib.h>

#include "http/json_io.h"

namespace yv::http {

void add_task_routes(Router& router, engine::TaskService& tasks, const engine::NodeRegistry& nodes) {
  const nlohmann::json task_request = {{"$ref", "#/components/schemas/TaskRequest"}};
  router.add({"POST",
              "/v1/tasks",
              "tasks",
              "Run one node as a task (reused when already run with this input)",
              {},
              task_request,
              {{"200", "Queued, running, or the stored result"}}},
             [&tasks](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200, tasks.submit(parse_body(req)));
             });
  router.add({"GET",
              "/v1/tasks/supported-tasks",
              "tasks",
              "Every node with its parameters and outputs",
              {},
              nullptr,
              {{"200", "The node registry"}}},
             [&nodes](const httplib::Request&, httplib::Response& res) {
               send_json(res, 200, engine::describe_nodes(nodes));
             });
  router.add({"DELETE",
              "/v1/tasks/{task_id}",
              "tasks",
              "Cancel a task (a running node is stopped)",
              {},
              nullptr,
              {{"200", "Cancelled"}}},
             [&tasks](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200, tasks.cancel(req.matches[1]));
             });
  router.add({"GET",
              "/v1/tasks/{task_id}/status",
              "tasks",
              "A task's status, result and callback status",
              {},
              nullptr,
              {{"200", "The task"}}},
             [&tasks](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200, tasks.status(req.matches[1]));
             });
}

}  // namespace yv::http

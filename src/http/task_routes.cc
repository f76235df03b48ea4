#include "http/task_routes.h"

#include <httplib.h>

#include "http/json_io.h"

namespace yv::http {

void add_task_routes(httplib::Server& server, engine::TaskService& tasks, const engine::NodeRegistry& nodes) {
  server.Post("/v1/tasks", [&tasks](const httplib::Request& req, httplib::Response& res) {
    send_json(res, 200, tasks.submit(parse_body(req)));
  });
  server.Get("/v1/tasks/supported-tasks", [&nodes](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, engine::describe_nodes(nodes));
  });
  server.Delete(R"(/v1/tasks/([^/]+))", [&tasks](const httplib::Request& req, httplib::Response& res) {
    send_json(res, 200, tasks.cancel(req.matches[1]));
  });
  server.Get(R"(/v1/tasks/([^/]+)/status)", [&tasks](const httplib::Request& req, httplib::Response& res) {
    send_json(res, 200, tasks.status(req.matches[1]));
  });
}

}  // namespace yv::http

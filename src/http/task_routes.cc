#include "http/task_routes.h"

#include <httplib.h>

#include "engine/presets.h"
#include "http/json_io.h"
#include "http/public_url.h"
#include "storage/download_urls.h"

namespace yv::http {

void add_task_routes(Router& router, engine::TaskService& tasks, const engine::NodeRegistry& nodes) {
  const nlohmann::json task_request = {{"$ref", "#/components/schemas/TaskRequest"}};
  router.add(
      {"POST",
       "/v1/tasks",
       "tasks",
       "Run one node as a task (reused when already run with this input)",
       {},
       task_request,
       {{"200", {{"description", "Queued, running, or the stored result"}, {"schema", "TaskAccepted"}}},
        {"400",
         "Invalid request: unknown node or parameter, wrong type, value out of bounds, missing "
         "required parameter, malformed task_id or input path, private callback host"},
        {"404", "An input file is missing"},
        {"409", "This task_id was used with other input"}}},
      [&tasks](const httplib::Request& req, httplib::Response& res) {
        send_json(res, 200, tasks.submit(parse_body(req)));
      });
  router.add({"GET",
              "/v1/tasks/supported-tasks",
              "tasks",
              "Every node with its parameters and outputs",
              {},
              nullptr,
              {{"200", {{"description", "The node registry"}, {"schema", "NodeList"}}}}},
             [&nodes](const httplib::Request&, httplib::Response& res) {
               send_json(res, 200, engine::describe_nodes(nodes));
             });
  router.add(
      {"GET",
       "/v1/presets",
       "workflows",
       "Named chains for common jobs, to submit as workflow_config.preset",
       {},
       nullptr,
       {{"200", {{"description", "The presets this server's nodes can run"}, {"schema", "PresetList"}}}}},
      [&nodes](const httplib::Request&, httplib::Response& res) {
        nlohmann::json list = nlohmann::json::array();
        for (const engine::Preset& p : engine::available_presets(nodes)) {
          nlohmann::json parameters = nlohmann::json::array();
          for (const auto& q : p.parameters) {
            parameters.push_back({{"name", q.name},
                                  {"description", q.description},
                                  {"default", q.default_value},
                                  {"targets", q.targets}});
          }
          list.push_back({{"name", p.name},
                          {"description", p.description},
                          {"chain", p.chain},
                          {"node_params", p.node_params},
                          {"parameters", parameters}});
        }
        send_json(res, 200, {{"presets", list}, {"count", list.size()}});
      });
  router.add({"DELETE",
              "/v1/tasks/{task_id}",
              "tasks",
              "Cancel a task (a running node is stopped)",
              {},
              nullptr,
              {{"200", {{"description", "Cancelled"}, {"schema", "TaskCancelled"}}},
               {"404", "No such task"},
               {"409", "The task has already ended"}}},
             [&tasks](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200, tasks.cancel(req.matches[1]));
             });
  router.add({"GET",
              "/v1/tasks/{task_id}/status",
              "tasks",
              "A task's status, result and callback status",
              {},
              nullptr,
              {{"200", {{"description", "The task"}, {"schema", "TaskStatus"}}}, {"404", "No such task"}}},
             [&tasks](const httplib::Request& req, httplib::Response& res) {
               nlohmann::json view = tasks.status(req.matches[1]);
               // Beside the output, as for a workflow's stages: a URL for each file in it.
               if (view["result"].is_object() && view["result"].contains("output"))
                 view["result"]["download_urls"] =
                     storage::download_urls(view["result"]["output"], public_base(req));
               send_json(res, 200, view);
             });
}

}  // namespace yv::http

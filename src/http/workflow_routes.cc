#include "http/workflow_routes.h"

#include <httplib.h>

#include "core/error.h"
#include "http/json_io.h"

namespace yv::http {
namespace {

int int_param(const httplib::Request& req, const std::string& name, int fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  try {
    size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw Error("invalid_request", name + " must be an integer", 400);
}

}  // namespace

void add_workflow_routes(Router& router, engine::WorkflowService& workflows) {
  router.add({"POST",
              "/v1/workflows",
              "workflows",
              "Create a workflow, or extend (incremental) or retry one",
              {},
              {{"$ref", "#/components/schemas/WorkflowRequest"}},
              {{"202", "Scheduled"}, {"200", "Nothing left to run"}}},
             [&workflows](const httplib::Request& req, httplib::Response& res) {
               const auto [status, body] = workflows.submit(parse_body(req));
               send_json(res, status, body);
             });
  router.add({"GET",
              "/v1/workflows",
              "workflows",
              "List workflows, newest first",
              {{"status", "string", "pending, running, completed, failed or cancelled"},
               {"limit", "integer", "1-200, default 50"},
               {"cursor", "string", "next_cursor of the previous page"}},
              nullptr,
              {{"200", "A page of workflows"}}},
             [&workflows](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200,
                         workflows.list(req.get_param_value("status"), int_param(req, "limit", 50),
                                        req.get_param_value("cursor")));
             });
  const Handler status = [&workflows](const httplib::Request& req, httplib::Response& res) {
    res.status = 200;
    res.set_content(workflows.status(req.matches[1]), "application/json");
  };
  router.add({"GET",
              "/v1/workflows/status/{workflow_id}",
              "workflows",
              "A workflow's status, stages and outputs",
              {},
              nullptr,
              {{"200", "The workflow"}}},
             status);
  router.add({"GET",
              "/v1/workflows/{workflow_id}",
              "workflows",
              "Same as /v1/workflows/status/{workflow_id}",
              {},
              nullptr,
              {{"200", "The workflow"}}},
             status);
  router.add({"POST",
              "/v1/workflows/{workflow_id}/cancel",
              "workflows",
              "Cancel a workflow (queued stages withdrawn, running ones stopped)",
              {},
              nullptr,
              {{"200", "Cancelled"}}},
             [&workflows](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200, workflows.cancel(req.matches[1]));
             });
}

}  // namespace yv::http

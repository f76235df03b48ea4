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
              {{"202", {{"description", "Scheduled"}, {"schema", "WorkflowSubmitted"}}},
               {"200", {{"description", "Nothing left to run"}, {"schema", "WorkflowSubmitted"}}},
               {"400",
                "Invalid request: unknown key, wrong type, value out of bounds, empty or too long chain, "
                "malformed reference or input path, private callback host, or a chain that does not "
                "continue the stored one"},
               {"404", "No such workflow (incremental, retry), or an input file is missing"},
               {"409", "The workflow is still running, or was changed at the same time"},
               {"410", "Outputs the workflow would reuse are gone from the store"}}},
             [&workflows](const httplib::Request& req, httplib::Response& res) {
               const auto [status, body] = workflows.submit(parse_body(req));
               send_json(res, status, body);
             });
  router.add(
      {"GET",
       "/v1/workflows",
       "workflows",
       "List workflows, newest first",
       {{"status",
         R"({"type": "string", "enum": ["", "pending", "running", "completed", "failed", "cancelled"]})",
         "Only workflows in this state (empty: all)"},
        {"limit", R"({"type": "integer", "minimum": 1, "maximum": 200, "default": 50})", "Page size"},
        {"cursor", R"({"type": "string", "pattern": "^(?:[0-9]{1,15}(?:\\.[0-9]{1,9})?_[\\s\\S]*)?$"})",
         "next_cursor of the previous page (empty: the first page)"}},
       nullptr,
       {{"200", {{"description", "A page of workflows"}, {"schema", "WorkflowPage"}}},
        {"400", "Unknown status, limit out of range, or a cursor that no page gave"}}},
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
              {{"200", {{"description", "The workflow"}, {"schema", "WorkflowStatus"}}},
               {"404", "No such workflow"}}},
             status);
  router.add({"GET",
              "/v1/workflows/{workflow_id}",
              "workflows",
              "Same as /v1/workflows/status/{workflow_id}",
              {},
              nullptr,
              {{"200", {{"description", "The workflow"}, {"schema", "WorkflowStatus"}}},
               {"404", "No such workflow"}}},
             status);
  router.add({"POST",
              "/v1/workflows/{workflow_id}/cancel",
              "workflows",
              "Cancel a workflow (queued stages withdrawn, running ones stopped)",
              {},
              nullptr,
              {{"200", {{"description", "Cancelled"}, {"schema", "WorkflowCancelled"}}},
               {"404", "No such workflow"},
               {"409", "The workflow has already ended"}}},
             [&workflows](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200, workflows.cancel(req.matches[1]));
             });
}

}  // namespace yv::http

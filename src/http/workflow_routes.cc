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

void add_workflow_routes(httplib::Server& server, engine::WorkflowService& workflows) {
  server.Post("/v1/workflows", [&workflows](const httplib::Request& req, httplib::Response& res) {
    const auto [status, body] = workflows.submit(parse_body(req));
    send_json(res, status, body);
  });
  server.Get("/v1/workflows", [&workflows](const httplib::Request& req, httplib::Response& res) {
    send_json(res, 200,
              workflows.list(req.get_param_value("status"), int_param(req, "limit", 50),
                             req.get_param_value("cursor")));
  });
  const auto status = [&workflows](const httplib::Request& req, httplib::Response& res) {
    send_json(res, 200, workflows.status(req.matches[1]));
  };
  server.Get(R"(/v1/workflows/status/([^/]+))", status);
  server.Get(R"(/v1/workflows/([^/]+))", status);
  server.Post(R"(/v1/workflows/([^/]+)/cancel)",
              [&workflows](const httplib::Request& req, httplib::Response& res) {
                send_json(res, 200, workflows.cancel(req.matches[1]));
              });
}

}  // namespace yv::http

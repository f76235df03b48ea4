#include "http/openapi.h"

#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/build_info.h"
#include "core/error.h"
#include "core/files.h"
#include "core/paths.h"
#include "http/json_io.h"

namespace yv::http {
namespace {

using nlohmann::json;

// Must match YV_SWAGGER_UI_VERSION in scripts/lib/deps.sh.
constexpr const char* kSwaggerUiVersion = "5.35.0";

json schema_ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json param_schema(const engine::ParamSpec& p) {
  json s = {{"type", engine::to_string(p.type)}, {"description", p.description}};
  if (!p.default_value.is_null()) s["default"] = p.default_value;
  return s;
}

json node_params_schema(const engine::NodeSpec& node) {
  json properties = json::object();
  for (const auto& p : node.params) properties[p.name] = param_schema(p);
  return {{"type", "object"},
          {"description", node.description + " (resource class " + node.resource_class + ")"},
          {"properties", properties},
          {"additionalProperties", false}};
}

json components(const engine::NodeRegistry& nodes) {
  json schemas = {
      {"Error",
       {{"type", "object"},
        {"required", {"detail", "code"}},
        {"properties",
         {{"detail",
           {{"type", "string"}, {"description", "Human message (Chinese with Accept-Language: zh)"}}},
          {"code", {{"type", "string"}, {"description", "Stable snake_case code"}}}}}}},
      {"Object", {{"type", "object"}, {"additionalProperties", true}}},
  };
  const json chain = {{"type", "array"}, {"items", {{"type", "string"}}}};
  json workflow = json::object();
  workflow["video_path"] = {{"type", "string"}, {"description", "Input media (full mode)"}};
  workflow["workflow_config"] = {{"type", "object"}, {"properties", {{"workflow_chain", chain}}}};
  workflow["execution_mode"] = {
      {"type", "string"}, {"enum", {"full", "incremental", "retry"}}, {"default", "full"}};
  workflow["workflow_id"] = {{"type", "string"}, {"description", "Existing workflow (incremental, retry)"}};
  workflow["param_merge_strategy"] = {
      {"type", "string"}, {"enum", {"merge", "override", "strict"}}, {"default", "merge"}};
  workflow["callback"] = {{"type", "string"}, {"format", "uri"}};
  json task_names = json::array();
  for (const auto& name : nodes.names()) {
    const engine::NodeSpec& node = nodes.get(name);
    schemas["NodeParams." + name] = node_params_schema(node);
    workflow[name] = schema_ref("NodeParams." + name);
    task_names.push_back(name);
    for (const auto& p : node.params) {
      if (p.global && !workflow.contains(p.name)) workflow[p.name] = param_schema(p);
    }
  }
  schemas["WorkflowRequest"] = {{"type", "object"}, {"properties", workflow}};
  json task = {{"task_name", {{"type", "string"}, {"enum", task_names}}},
               {"task_id", {{"type", "string"}}},
               {"input_data", schema_ref("Object")},
               {"callback", {{"type", "string"}, {"format", "uri"}}}};
  schemas["TaskRequest"] = {{"type", "object"}, {"required", {"task_name"}}, {"properties", task}};
  json error_response = {{"description", "Error: {detail, code}"}};
  error_response["content"]["application/json"]["schema"] = schema_ref("Error");
  return {{"schemas", schemas}, {"responses", {{"Error", error_response}}}};
}

json operation(const RouteDoc& r) {
  json parameters = json::array();
  static const std::regex kPathParam(R"(\{([a-z_]+)\})");
  for (std::sregex_iterator it(r.path.begin(), r.path.end(), kPathParam), end; it != end; ++it) {
    parameters.push_back(
        {{"name", (*it)[1].str()}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  for (const auto& q : r.query) {
    parameters.push_back(
        {{"name", q.name}, {"in", "query"}, {"description", q.description}, {"schema", {{"type", q.type}}}});
  }
  json responses = json::object();
  for (const auto& [status, description] : r.responses.items()) {
    responses[status] = {{"description", description}};
  }
  responses["4XX"] = {{"$ref", "#/components/responses/Error"}};
  responses["5XX"] = {{"$ref", "#/components/responses/Error"}};
  json op = {{"tags", {r.tag}}, {"summary", r.summary}, {"responses", responses}};
  if (!parameters.empty()) op["parameters"] = parameters;
  if (!r.request_body.is_null()) {
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/json", {{"schema", r.request_body}}}}}};
  }
  return op;
}

constexpr const char* kDocsPage = R"html(<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>YiVideo API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body>
<div id="swagger-ui"><p>Loading the interactive documentation… The raw document is at <a href="/openapi.json">/openapi.json</a>.</p></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});</script>
</body>
</html>
)html";

}  // namespace

json openapi_document(const std::vector<RouteDoc>& routes, const engine::NodeRegistry& nodes) {
  json paths = json::object();
  for (const auto& r : routes) {
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    paths[r.path][method] = operation(r);
  }
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "YiVideo AI Workflow Engine API"},
            {"version", kVersion},
            {"description",
             "Upload media, run chains of nodes (audio extraction, Whisper transcription, diarization, "
             "subtitles) as asynchronous workflows, and poll or receive callbacks for the results."}}},
          {"paths", paths},
          {"components", components(nodes)}};
}

std::filesystem::path swagger_ui_dir() {
  if (const char* dir = std::getenv("YIVIDEO_SWAGGER_UI"); dir && *dir) return dir;
  return cache_dir() / (std::string("swagger-ui-dist-") + kSwaggerUiVersion);
}

void add_docs_routes(Router& router, const engine::NodeRegistry& nodes) {
  // The document lists itself and the docs routes too, so they are declared before it is built.
  router.add({"GET",
              "/docs",
              "docs",
              "Interactive API documentation (Swagger UI)",
              {},
              nullptr,
              {{"200", "HTML page"}}},
             [](const httplib::Request&, httplib::Response& res) {
               res.set_content(kDocsPage, "text/html; charset=utf-8");
             });
  router.add({"GET",
              "/docs/{asset}",
              "docs",
              "Swagger UI assets (swagger-ui.css, swagger-ui-bundle.js)",
              {},
              nullptr,
              {{"200", "The file"}}},
             [](const httplib::Request& req, httplib::Response& res) {
               static const std::map<std::string, std::string> kAssets = {
                   {"swagger-ui.css", "text/css"}, {"swagger-ui-bundle.js", "application/javascript"}};
               const auto it = kAssets.find(req.matches[1]);
               const auto path = swagger_ui_dir() / req.matches[1].str();
               if (it == kAssets.end()) throw Error("not_found", "no asset " + req.matches[1].str(), 404);
               if (!std::filesystem::is_regular_file(path)) {
                 throw Error("docs_unavailable",
                             "Swagger UI is not installed (" + path.string() + "); scripts/serve installs it",
                             503);
               }
               res.set_content(read_file(path), it->second);
             });
  auto document = std::make_shared<json>();
  router.add(
      {"GET", "/openapi.json", "docs", "This OpenAPI document", {}, nullptr, {{"200", "OpenAPI 3 document"}}},
      [document](const httplib::Request&, httplib::Response& res) { send_json(res, 200, *document); });
  *document = openapi_document(router.routes(), nodes);
}

}  // namespace yv::http

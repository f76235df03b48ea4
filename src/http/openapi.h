// The OpenAPI 3 document of the API (GET /openapi.json) and the interactive docs page (GET /docs).
//
// Generated from the route table (http/router.h) and the node registry: the workflow request schema has one
// property per node with that node's parameters, and the task request enumerates the nodes, so the document
// always describes the server that serves it. /docs is Swagger UI from local files (npm swagger-ui-dist,
// installed by scripts/lib/deps.sh into the cache), never a CDN.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/node_registry.h"
#include "http/router.h"

namespace yv::http {

nlohmann::json openapi_document(const std::vector<RouteDoc>& routes, const engine::NodeRegistry& nodes);

// Where the Swagger UI files are: $YIVIDEO_SWAGGER_UI, else <cache>/swagger-ui-dist-<version>.
std::filesystem::path swagger_ui_dir();

// Adds GET /openapi.json, GET /docs and the Swagger UI assets under /docs/. Call after every other route,
// so that the document lists them all. REQUIRES: router and nodes outlive the server.
void add_docs_routes(Router& router, const engine::NodeRegistry& nodes);

}  // namespace yv::http

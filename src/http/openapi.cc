#include "http/openapi.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/build_info.h"
#include "core/error.h"
#include "core/files.h"
#include "core/json_util.h"
#include "core/paths.h"
#include "engine/planner.h"
#include "engine/presets.h"
#include "http/api_server.h"
#include "http/auth_policy.h"
#include "http/json_io.h"
#include "storage/input_paths.h"
#include "storage/object_keys.h"

namespace yv::http {
namespace {

using nlohmann::json;

// Must match YV_SWAGGER_UI_VERSION in scripts/lib/deps.sh.
constexpr const char* kSwaggerUiVersion = "5.35.0";

json schema_ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

// `schema`, or null. OpenAPI 3.0 ignores the siblings of a $ref, so a reference is wrapped; an enum must
// list null itself.
json nullable(json schema) {
  if (schema.contains("$ref")) return {{"nullable", true}, {"allOf", {schema}}};
  schema["nullable"] = true;
  if (schema.contains("enum")) schema["enum"].push_back(nullptr);
  return schema;
}

// One object key: 1-1024 bytes, relative, '/'-separated segments that are neither empty, '.' nor '..', no
// control characters nor backslashes (storage/object_keys.h, check_key). A segment is written out as "not
// '.' or '..'" without look-arounds, which not every validator and generator supports.
constexpr const char* kSegment =
    R"((?:[^/.\x00-\x1f\x7f\\][^/\x00-\x1f\x7f\\]*|\.[^/.\x00-\x1f\x7f\\][^/\x00-\x1f\x7f\\]*|\.\.[^/\x00-\x1f\x7f\\]+))";

std::string key_pattern() {
  std::string pattern = "^";
  pattern.append(kSegment).append("(?:/").append(kSegment).append(")*$");
  return pattern;
}

json param_schema(const engine::ParamSpec& p) {
  json s = {{"type", engine::to_string(p.type)}, {"description", p.description}};
  if (!p.default_value.is_null()) s["default"] = p.default_value;
  if (!p.minimum.is_null()) s["minimum"] = p.minimum;
  if (!p.maximum.is_null()) s["maximum"] = p.maximum;
  // Integers are read as 64-bit: a larger one is a number, not an integer, to the server.
  if (p.type == engine::ParamType::kInteger) {
    s["format"] = "int64";
    if (!s.contains("minimum")) s["minimum"] = std::numeric_limits<int64_t>::min();
    if (!s.contains("maximum")) s["maximum"] = std::numeric_limits<int64_t>::max();
  }
  if (!p.choices.is_null()) s["enum"] = p.choices;
  if (!p.pattern.empty()) s["pattern"] = p.pattern;
  if (!p.items.is_null()) s["items"] = p.items;
  if (p.length > 0) s["minItems"] = s["maxItems"] = p.length;
  if (p.type == engine::ParamType::kString && storage::names_file(p.name))
    s["allOf"] = {schema_ref("InputPath")};
  return s;
}

// A node parameter as a workflow takes it: its own value, null (not given), or a reference to an earlier
// stage's output, resolved when the stage runs.
json workflow_param_schema(const engine::ParamSpec& p) {
  return nullable(
      {{"anyOf", {param_schema(p), schema_ref("StageReference")}}, {"description", p.description}});
}

json node_params_schema(const engine::NodeSpec& node, bool workflow) {
  json properties = json::object();
  json required = json::array();
  for (const auto& p : node.params) {
    // A task's input gets no globals: what a node requires, its input_data must give (null is "not given").
    const bool needed = !workflow && p.required && p.default_value.is_null();
    if (workflow) {
      properties[p.name] = workflow_param_schema(p);
    } else {
      properties[p.name] = needed ? param_schema(p) : nullable(param_schema(p));
    }
    if (needed) required.push_back(p.name);
  }
  json schema = {{"type", "object"},
                 {"description", node.description + " (resource class " + node.resource_class + ")"},
                 {"properties", properties},
                 {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = required;
  return schema;
}

// The responses every route may give before its handler runs: the connection layer refuses malformed or
// oversized requests, and the state store can be unavailable to any of them.
const std::vector<std::pair<std::string, std::string>> kCommonResponses = {
    {"400",
     "Malformed request (request line, headers, framing such as two Content-Length headers) or invalid "
     "parameters"},
    {"408", "The request did not arrive in time"},
    {"411", "A chunked body on a JSON route (they take bodies of a known length)"},
    {"413", "The body is larger than the limit (1 MiB for JSON, YIVIDEO_MAX_UPLOAD_BYTES for uploads)"},
    {"414", "The request line is too long"},
    {"415", "A compressed body (Content-Encoding), or a JSON route's body not sent as application/json"},
    {"421", "A server listening on loopback was reached under a Host name it does not answer to"},
    {"429",
     "Too many connections or file transfers from this client, too much work waiting in the queues, or "
     "the API key's request rate or hourly upload bytes spent; Retry-After says when to try again"},
    {"431", "Too many or too large headers"},
    {"500", "Internal error (the server log has the details)"},
    {"501", "A Transfer-Encoding other than chunked"},
    {"503", "Too many connections, or the state store or object store is unavailable"},
    {"505", "An HTTP version other than 1.0 and 1.1"},
    {"507", "disk_full: the server's disk is full"},
};

json response_schemas() {
  const json text = {{"type", "string"}};
  const json integer = {{"type", "integer"}};
  const json number = {{"type", "number"}};
  const json time = {{"type", "string"}, {"description", "ISO-8601 UTC"}};
  const json object = {{"type", "object"}};
  const json array = {{"type", "array"}};
  const auto shape = [](std::vector<std::string> required, json properties) {
    return json{{"type", "object"}, {"required", required}, {"properties", properties}};
  };
  const json workflow_status = {{"type", "string"},
                                {"enum", {"pending", "running", "completed", "failed", "cancelled"}}};
  const json callback_status = nullable(
      shape({"status", "attempts", "last_error", "delivered_at"}, {{"status", text},
                                                                   {"attempts", integer},
                                                                   {"last_error", nullable(text)},
                                                                   {"delivered_at", nullable(time)}}));
  json s;
  s["Message"] = shape({"message"}, {{"message", text}});
  s["WorkflowSubmitted"] =
      shape({"workflow_id", "execution_mode", "tasks_total", "tasks_skipped", "tasks_to_execute", "message"},
            {{"workflow_id", text},
             {"execution_mode", {{"type", "string"}, {"enum", {"full", "incremental", "retry"}}}},
             {"tasks_total", integer},
             {"tasks_skipped", integer},
             {"tasks_to_execute", integer},
             {"message", text}});
  s["WorkflowPage"] = shape(
      {"workflows", "count", "next_cursor"},
      {{"workflows",
        {{"type", "array"},
         {"items", shape({"workflow_id", "status", "workflow_chain", "error", "created_at", "updated_at"},
                         {{"workflow_id", text},
                          {"status", workflow_status},
                          {"workflow_chain", {{"type", "array"}, {"items", text}}},
                          {"error", nullable(text)},
                          {"created_at", time},
                          {"updated_at", time}})}}},
       {"count", integer},
       {"next_cursor", nullable(text)}});
  s["WorkflowStatus"] = shape(
      {"workflow_id", "status", "created_at", "updated_at", "progress", "input_params", "stages", "error"},
      {{"workflow_id", text},
       {"status", workflow_status},
       {"created_at", time},
       {"updated_at", time},
       {"progress",
        shape(
            {"completed", "total", "current", "percent"},
            {{"completed", integer}, {"total", integer}, {"current", nullable(text)}, {"percent", number}})},
       {"input_params", object},
       {"stages",
        {{"type", "object"},
         {"description", "stage_0 ... stage_<n-1> in chain order"},
         {"additionalProperties",
          shape({"task_name", "status"},
                {{"task_name", text},
                 {"download_urls",
                  {{"type", "object"},
                   {"additionalProperties", text},
                   {"description",
                    "A URL for every file (download) and folder (listing) in output, by the field's place in "
                    "it: "
                    "audio_path, subtitle_files.srt, keyframe_files.0"}}},
                 {"status",
                  {{"type", "string"},
                   {"enum",
                    {"pending", "queued", "running", "completed", "failed", "skipped", "cancelled"}}}}})}}},
       {"error", nullable(text)},
       {"callback_status", callback_status}});
  s["WorkflowCancelled"] = shape({"workflow_id", "status", "cancelled_stages", "message"},
                                 {{"workflow_id", text},
                                  {"status", text},
                                  {"cancelled_stages", {{"type", "array"}, {"items", text}}},
                                  {"message", text}});
  s["TaskAccepted"] = shape({"task_id", "status", "message"},
                            {{"task_id", text}, {"status", text}, {"message", text}, {"result", object}});
  s["TaskStatus"] = shape({"task_id", "task_name", "status", "result", "error", "created_at"},
                          {{"task_id", text},
                           {"task_name", text},
                           {"status", text},
                           {"result", nullable(object)},
                           {"error", nullable(text)},
                           {"created_at", time},
                           {"started_at", nullable(time)},
                           {"completed_at", nullable(time)},
                           {"duration", nullable(number)},
                           {"callback_status", callback_status}});
  s["TaskCancelled"] =
      shape({"task_id", "status", "message"}, {{"task_id", text}, {"status", text}, {"message", text}});
  s["NodeList"] =
      shape({"tasks", "count"}, {{"tasks", {{"type", "array"}, {"items", object}}}, {"count", integer}});
  const json preset_parameter = shape({"name", "description", "default", "targets"},
                                      {{"name", text},
                                       {"description", text},
                                       {"default", json::object()},
                                       {"targets", {{"type", "array"}, {"items", text}}}});
  const json preset = shape({"name", "description", "chain", "node_params", "parameters"},
                            {{"name", text},
                             {"description", text},
                             {"chain", {{"type", "array"}, {"items", text}}},
                             {"node_params", object},
                             {"parameters", {{"type", "array"}, {"items", preset_parameter}}}});
  s["PresetList"] =
      shape({"presets", "count"}, {{"presets", {{"type", "array"}, {"items", preset}}}, {"count", integer}});
  s["FileStored"] = shape({"file_path", "bucket", "download_url", "size", "uploaded_at", "content_type"},
                          {{"file_path", text},
                           {"bucket", text},
                           {"download_url", text},
                           {"size", integer},
                           {"uploaded_at", time},
                           {"content_type", text}});
  s["FileList"] = shape(
      {"bucket", "prefix", "files", "count", "truncated"},
      {{"bucket", text},
       {"prefix", text},
       {"files",
        {{"type", "array"},
         {"items", shape({"file_path", "share_path", "size", "download_url"}, {{"file_path", text},
                                                                               {"share_path", nullable(text)},
                                                                               {"size", integer},
                                                                               {"download_url", text}})}}},
       {"count", integer},
       {"truncated", {{"type", "boolean"}}}});
  s["FileDeleted"] =
      shape({"success", "file_path"}, {{"success", {{"type", "boolean"}}}, {"file_path", text}});
  s["FolderDeleted"] =
      shape({"success", "directory_path", "removed_entries"},
            {{"success", {{"type", "boolean"}}}, {"directory_path", text}, {"removed_entries", integer}});
  s["Health"] = shape({"status", "issues", "components"},
                      {{"status", {{"type", "string"}, {"enum", {"healthy", "warning", "unhealthy"}}}},
                       {"issues", array},
                       {"components", object}});
  s["GpuLock"] =
      shape({"lock_key", "is_locked", "lock_holder", "recent_history"}, {{"lock_key", text},
                                                                         {"is_locked", {{"type", "boolean"}}},
                                                                         {"lock_holder", nullable(text)},
                                                                         {"recent_history", array}});
  s["LockReleased"] = shape({"lock_key", "released", "message"},
                            {{"lock_key", text}, {"released", {{"type", "boolean"}}}, {"message", text}});
  s["TimeoutConfig"] = shape({"warning", "soft_timeout", "hard_timeout", "node_timeouts"},
                             {{"warning", number},
                              {"soft_timeout", number},
                              {"hard_timeout", number},
                              {"node_timeouts", {{"type", "object"}, {"additionalProperties", number}}}});
  s["Heartbeat"] = shape({"task_id", "status", "last_update"},
                         {{"task_id", text}, {"status", text}, {"last_update", nullable(number)}});
  s["Heartbeats"] = shape({"live", "dead", "stopped", "orphaned"},
                          {{"live", array}, {"dead", array}, {"stopped", array}, {"orphaned", array}});
  s["Statistics"] =
      shape({"nodes", "workflows", "queues"}, {{"nodes", object}, {"workflows", object}, {"queues", object}});
  const json bool_type = {{"type", "boolean"}};
  s["ModelList"] = shape(
      {"models", "count", "object", "data"},
      {{"models",
        {{"type", "array"},
         {"items",
          shape(
              {"name", "installed", "pullable", "multilingual", "languages", "size_bytes", "quantization",
               "source", "sha256", "error"},
              {{"name", text},
               {"installed", bool_type},
               {"pullable", {{"type", "boolean"}, {"description", "yivideo models pull <name> installs it"}}},
               {"multilingual", nullable(bool_type)},
               {"languages", {{"type", "array"}, {"items", text}, {"description", "Whisper language codes"}}},
               {"size_bytes", nullable(integer)},
               {"quantization",
                nullable({{"type", "string"}, {"description", "Weight type: f16, q5_0, ..."}})},
               {"source", nullable(text)},
               {"sha256", nullable(text)},
               {"error",
                nullable({{"type", "string"}, {"description", "Why an installed file is unusable"}})}})}}},
       {"count", integer},
       {"object", {{"type", "string"}, {"enum", {"list"}}}},
       {"data",
        {{"type", "array"},
         {"description",
          "OpenAI's model list: the usable installed models, and whisper-1 (the default model) while that is "
          "installed"},
         {"items", shape({"id", "object", "created", "owned_by"},
                         {{"id", text}, {"object", text}, {"created", integer}, {"owned_by", text}})}}}});
  s["OpenApi"] =
      shape({"openapi", "info", "paths"}, {{"openapi", text}, {"info", object}, {"paths", object}});
  return s;
}

json components(const engine::NodeRegistry& nodes) {
  json schemas = response_schemas();
  schemas["Error"] = {
      {"type", "object"},
      {"required", {"detail", "code"}},
      {"properties",
       {{"detail", {{"type", "string"}, {"description", "Human message (Chinese with Accept-Language: zh)"}}},
        {"code", {{"type", "string"}, {"description", "Stable snake_case code"}}}}}};
  schemas["ObjectKey"] = {
      {"type", "string"},
      {"minLength", 1},
      {"maxLength", 1024},
      {"pattern", key_pattern()},
      {"description",
       "An object key: at most 1024 bytes, relative ('/'-separated, no leading '/'), no empty, '.' or '..' "
       "segment, no control character or backslash; anything else is 400 invalid_path"}};
  std::string prefix = "^(?:/share/)?(?:";
  prefix.append(kSegment).append("(?:/").append(kSegment).append(")*/?)?$");
  schemas["ListPrefix"] = {{"type", "string"},
                           {"maxLength", 1024},
                           {"pattern", prefix},
                           {"default", ""},
                           {"description",
                            "Empty, or the start of object keys: segments as in ObjectKey, a final '/' for a "
                            "folder, optionally as "
                            "/share/..."}};
  schemas["Bucket"] = {
      {"type", "string"},
      {"minLength", 3},
      {"maxLength", 63},
      {"pattern", R"(^[a-z0-9](?:[a-z0-9-]|\.[a-z0-9-])*$)"},
      {"default", storage::kDefaultBucket},
      {"description", "3-63 characters of a-z, 0-9, '.' and '-'; starts with a letter or digit, no '..'"}};
  // ids.h, is_safe_id: what may name a task (and so a folder of the store).
  schemas["TaskId"] = {
      {"type", "string"},
      {"minLength", 1},
      {"maxLength", 128},
      {"pattern",
       R"(^(?:[A-Za-z0-9_:-][A-Za-z0-9._:-]*|\.[A-Za-z0-9_:-][A-Za-z0-9._:-]*|\.\.[A-Za-z0-9._:-]+)$)"},
      {"description", "1-128 letters, digits, '-', '_', '.' and ':', other than '.' and '..'"}};
  // What storage/input_paths.h resolves: a key (also under /share/), an object of any bucket, a URL, a local
  // path. Which URLs' hosts are private and which local paths lie inside the allowed roots is configuration.
  std::string share_key = key_pattern();
  share_key.replace(0, 1, "^/share/");
  std::string bucket_key = key_pattern();
  bucket_key.replace(0, 1, R"(^(?:s3|minio)://[a-z0-9](?:[a-z0-9-]|\.[a-z0-9-]){2,62}/)");
  schemas["InputPath"] = {
      {"type", "string"},
      {"anyOf",
       {schema_ref("ObjectKey"),
        {{"pattern", share_key}},
        {{"pattern", bucket_key}},
        {{"pattern", R"(^https?://[^\s/?#]+)"}},
        {{"pattern", R"(^/[^\x00]*$)"}}}},
      {"description",
       "A file to read: an object key of the default bucket (videos/demo.mp4, or /share/<key>), "
       "s3://<bucket>/<key> or minio://<bucket>/<key>, an http(s) URL of a public host, or a local path "
       "inside "
       "YIVIDEO_ALLOWED_ROOTS. A missing file is 404 file_not_found; a path outside the allowed roots, a URL "
       "of a private host and a malformed key are 400 invalid_path"}};
  json references = json::array();
  for (const auto& name : nodes.names()) {
    for (const auto& output : nodes.get(name).outputs) {
      references.push_back("${{ stages." + name + ".output." + output + " }}");
    }
  }
  schemas["StageReference"] = {
      {"type", "string"},
      {"enum", references},
      {"description",
       "An earlier stage's output, resolved when this stage runs: ${{ stages.<node>.output.<field> }} "
       "(spaces "
       "inside the braces are optional). The node must run earlier in the chain (400 invalid_reference)"}};
  const json chain = {{"type", "array"},
                      {"maxItems", engine::kMaxChainStages},
                      {"items", {{"type", "string"}, {"enum", nodes.names()}}}};
  json nonempty = chain;
  nonempty["minItems"] = 1;
  json preset_names = json::array();
  for (const auto& p : engine::available_presets(nodes)) preset_names.push_back(p.name);
  const json preset = {
      {"type", "string"},
      {"enum", preset_names},
      {"description", "A named chain with its parameters (GET /v1/presets), instead of workflow_chain"}};
  // A chain or a preset, not both (null stands for absent).
  const json not_both = {
      {"required", {"workflow_chain", "preset"}},
      {"properties", {{"workflow_chain", {{"type", "array"}}}, {"preset", {{"type", "string"}}}}}};
  const json nonempty_chain = {
      {"type", "object"},
      {"properties", {{"workflow_chain", nonempty}, {"preset", nullable(preset)}}},
      {"anyOf",
       {{{"required", {"workflow_chain"}}},
        {{"required", {"preset"}}, {"properties", {{"preset", {{"type", "string"}}}}}}}},
      {"not", not_both},
      {"additionalProperties", false}};
  json workflow = json::object();
  workflow["workflow_config"] =
      nullable({{"type", "object"},
                {"properties", {{"workflow_chain", nullable(chain)}, {"preset", nullable(preset)}}},
                {"not", not_both},
                {"additionalProperties", false}});
  workflow["execution_mode"] =
      nullable({{"type", "string"}, {"enum", {"full", "incremental", "retry"}}, {"default", "full"}});
  workflow["workflow_id"] =
      nullable({{"type", "string"}, {"description", "Existing workflow (incremental, retry)"}});
  workflow["param_merge_strategy"] = nullable(
      {{"type", "string"},
       {"enum", {"merge", "override", "strict"}},
       {"default", "merge"},
       {"description",
        "incremental and retry: how new parameters meet the stored ones (strict: 400 on a conflict)"}});
  workflow["callback"] = nullable({{"type", "string"},
                                   {"pattern", R"(^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+)"},
                                   {"description",
                                    "http(s) URL POSTed when the workflow ends; private and loopback "
                                    "hosts are refused (400) unless YIVIDEO_CALLBACK_ALLOW_PRIVATE=1"}});
  workflow["callback_auth_header"] = nullable({{"type", "string"},
                                               {"maxLength", 4096},
                                               {"pattern", R"(^[^\u0000-\u001f\u007f]+$)"},
                                               {"description",
                                                "Sent with every delivery of the callback so that the "
                                                "receiver can authenticate it: \"Name: value\", or "
                                                "a bare value for the Authorization header (\"Bearer abc\"). "
                                                "Needs callback; stored with the run, never "
                                                "shown. Not Content-Type, Content-Length, Host, "
                                                "X-YiVideo-Signature, Transfer-Encoding, Connection or "
                                                "Expect"}});
  json task_names = json::array();
  json task_variants = json::array();
  for (const auto& name : nodes.names()) {
    const engine::NodeSpec& node = nodes.get(name);
    schemas["NodeParams." + name] = node_params_schema(node, true);
    schemas["NodeInput." + name] = node_params_schema(node, false);
    workflow[name] = nullable(schema_ref("NodeParams." + name));
    task_names.push_back(name);
    for (const auto& p : node.params) {
      if (p.global && !workflow.contains(p.name)) workflow[p.name] = workflow_param_schema(p);
    }
  }
  // A preset's own parameters are top-level keys too, with the rules of the node parameter they are first
  // written into (presets.h).
  for (const auto& q : engine::preset_parameters(nodes)) {
    if (workflow.contains(q.name)) continue;
    const json::json_pointer target(q.targets.at(0));
    const engine::NodeSpec& node = nodes.get(target.parent_pointer().back());
    const auto spec = std::find_if(node.params.begin(), node.params.end(),
                                   [&](const engine::ParamSpec& p) { return p.name == target.back(); });
    json schema = param_schema(*spec);
    schema["description"] =
        q.description + " (a parameter of workflow_config.preset, default " + q.default_value.dump() + ")";
    workflow[q.name] = nullable(schema);
  }
  // Which keys a request needs depends on its execution mode.
  const json full = {{"title", "full: a new workflow"},
                     {"required", {"video_path", "workflow_config"}},
                     {"properties",
                      {{"execution_mode", nullable({{"type", "string"}, {"enum", {"full"}}})},
                       {"video_path", {{"type", "string"}}},
                       {"workflow_id", {{"nullable", true}, {"enum", {nullptr}}}},
                       {"workflow_config", nonempty_chain}}}};
  const json incremental = {{"title", "incremental: append stages to a completed workflow"},
                            {"required", {"execution_mode", "workflow_id", "workflow_config"}},
                            {"properties",
                             {{"execution_mode", {{"type", "string"}, {"enum", {"incremental"}}}},
                              {"workflow_id", {{"type", "string"}}},
                              {"workflow_config", nonempty_chain}}}};
  const json retry = {{"title", "retry: run again from the first stage not completed"},
                      {"required", {"execution_mode", "workflow_id"}},
                      {"properties",
                       {{"execution_mode", {{"type", "string"}, {"enum", {"retry"}}}},
                        {"workflow_id", {{"type", "string"}}}}}};
  schemas["WorkflowRequest"] = {
      {"type", "object"},
      {"description",
       "Every other key is a global parameter (given to each node that takes it) or a node's name with that "
       "node's own parameters; any other key is 400 invalid_parameter. The stored chain of an incremental or "
       "retried workflow must be a prefix of the new one."},
      {"properties", workflow},
      {"additionalProperties", false},
      {"oneOf", {full, incremental, retry}}};
  // input_data holds the named node's parameters; without it, the node gets none (null is not "none").
  for (const auto& name : nodes.names()) {
    json required = {"task_name"};
    if (schemas["NodeInput." + name].contains("required")) required.push_back("input_data");
    task_variants.push_back({{"title", name},
                             {"required", required},
                             {"properties",
                              {{"task_name", {{"type", "string"}, {"enum", {name}}}},
                               {"input_data", schema_ref("NodeInput." + name)}}}});
  }
  const json task = {{"task_name", {{"type", "string"}, {"enum", task_names}}},
                     {"task_id", nullable(schema_ref("TaskId"))},
                     {"input_data", {{"type", "object"}, {"description", "The node's parameters"}}},
                     {"callback", workflow["callback"]},
                     {"callback_auth_header", workflow["callback_auth_header"]}};
  schemas["TaskRequest"] = {
      {"type", "object"}, {"required", {"task_name"}}, {"properties", task}, {"oneOf", task_variants}};
  schemas["LockRelease"] = {
      {"type", "object"},
      {"required", {"lock_key", "task_name"}},
      {"properties",
       {{"lock_key", {{"type", "string"}, {"pattern", "^gpu_lock:.+$"}, {"maxLength", 64}}},
        {"task_name",
         {{"type", "string"},
          {"description",
           "The holder's node, or \"manual\" to release whoever holds it (409 otherwise)"}}}}}};
  json responses = json::object();
  for (const auto& [status, description] : kCommonResponses) {
    responses["Status" + status] = {{"description", description},
                                    {"content", {{"application/json", {{"schema", schema_ref("Error")}}}}}};
  }
  // API keys (http/auth_access.h): either header; each operation's `security` names the two.
  const json security_schemes = {
      {"bearer",
       {{"type", "http"}, {"scheme", "bearer"}, {"description", "Authorization: Bearer <API key>"}}},
      {"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-API-Key"}}}};
  return {{"schemas", schemas}, {"responses", responses}, {"securitySchemes", security_schemes}};
}

// A route's parameter schema: `type` is a JSON type name, or the parameter's JSON schema written as JSON
// text, where "required": true marks a required parameter.
json query_param(const QueryParam& q) {
  json schema = {{"type", q.type}};
  bool required = false;
  if (q.type.starts_with("{")) {
    schema = json::parse(q.type);
    required = schema.value("required", false);
    schema.erase("required");
  }
  return {{"name", q.name},
          {"in", "query"},
          {"required", required},
          {"description", q.description},
          {"schema", schema}};
}

// Path parameters are named after what they hold, and the name says which values are well-formed.
json path_param_schema(const std::string& name) {
  if (name == "file_path") return schema_ref("ObjectKey");
  if (name == "task_id") return schema_ref("TaskId");
  if (name == "asset")
    return {{"type", "string"}, {"enum", {"swagger-ui.css", "swagger-ui-bundle.js", "init.js"}}};
  return {{"type", "string"}, {"minLength", 1}};
}

// A documented response: a description, or {"description", "schema" (a component name or a JSON schema of
// an application/json body), "content_type" (other media types, one or a list; the body is a string)}, or
// both when a request chooses the answer's type (OpenAI's response_format). Error statuses described by a
// string alone have the {detail, code} body.
json response(const std::string& status, const json& doc) {
  if (doc.is_string()) {
    if (status.starts_with("4") || status.starts_with("5")) {
      return {{"description", doc}, {"content", {{"application/json", {{"schema", schema_ref("Error")}}}}}};
    }
    return {{"description", doc}};
  }
  json out = {{"description", doc.at("description")}};
  if (doc.contains("content_type")) {
    const json& types = doc["content_type"];
    for (const auto& type : types.is_array() ? types : json::array({types})) {
      out["content"][type.get<std::string>()]["schema"] = {{"type", "string"}};
    }
  }
  if (doc.contains("schema")) {
    const json& schema = doc["schema"];
    out["content"]["application/json"]["schema"] = schema.is_string() ? schema_ref(schema) : schema;
  }
  return out;
}

// The name client generators give the operation: the method, then the path's segments after /api and /v1,
// path parameters by name (GET /v1/workflows/status/{workflow_id} -> get_workflows_status_workflow_id).
// Method and path are unique, so the name is too (the document's test checks it).
std::string operation_id(const RouteDoc& r) {
  std::string id = r.method;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string segment;
  std::istringstream path(r.path);
  bool any = false;
  while (std::getline(path, segment, '/')) {
    if (segment.empty() || segment == "api" || segment == "v1") continue;
    id += '_';
    for (const char c : segment) {
      if (std::isalnum(static_cast<unsigned char>(c)))
        id += c;
      else if (c != '{' && c != '}')
        id += '_';
    }
    any = true;
  }
  // A folder's page (GET /studio/) beside the same path without the slash (its redirect).
  if (any && r.path.ends_with('/')) id += "_index";
  return any ? id : id + "_root";
}

json operation(const RouteDoc& r) {
  json parameters = json::array();
  static const std::regex kPathParam(R"(\{([a-z_]+)\})");
  for (std::sregex_iterator it(r.path.begin(), r.path.end(), kPathParam), end; it != end; ++it) {
    const std::string name = (*it)[1].str();
    parameters.push_back(
        {{"name", name}, {"in", "path"}, {"required", true}, {"schema", path_param_schema(name)}});
  }
  for (const auto& q : r.query) parameters.push_back(query_param(q));
  json responses = json::object();
  for (const auto& [status, refusal] : kCommonResponses) {
    responses[status] = {{"$ref", "#/components/responses/Status" + status}};
  }
  // Scope names are not OAuth scopes, so they go in x-required-scope; `security` is empty for open routes.
  const auto scope = auth::required_scope(r.method, r.path);
  if (scope) {
    responses["401"] = response("401", "No API key, or an unknown or revoked one (when keys are on)");
    responses["403"] =
        response("403", std::string("The key lacks the '") + auth::scope_name(*scope) + "' scope");
  }
  for (const auto& [status, doc] : r.responses.items()) responses[status] = response(status, doc);
  json op = {
      {"operationId", operation_id(r)}, {"tags", {r.tag}}, {"summary", r.summary}, {"responses", responses}};
  op["security"] =
      scope ? json::array({{{"bearer", json::array()}}, {{"apiKey", json::array()}}}) : json::array();
  if (scope) op["x-required-scope"] = auth::scope_name(*scope);
  if (!parameters.empty()) op["parameters"] = parameters;
  if (r.request_body.contains("content")) {
    op["requestBody"] = r.request_body;  // a whole request body object: another media type than JSON
  } else if (!r.request_body.is_null()) {
    op["requestBody"] = {
        {"required", true},
        {"description", "JSON (Content-Type: application/json), at most " +
                            std::to_string(ServerOptions{}.max_body_bytes) + " bytes, nested at most " +
                            std::to_string(kMaxJsonDepth) + " levels deep"},
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
<script src="/docs/init.js"></script>
</body>
</html>
)html";

// In a file of its own, not inline, so that the page's policy allows no inline script at all.
constexpr const char* kDocsInit =
    R"js(window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});
)js";

// Swagger UI needs its own scripts, inline styles and calls to this API; nothing else, and no framing.
constexpr const char* kDocsPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

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
              {{"200", {{"description", "HTML page"}, {"content_type", "text/html"}}}}},
             [](const httplib::Request&, httplib::Response& res) {
               res.set_header("Content-Security-Policy", kDocsPolicy);
               res.set_content(kDocsPage, "text/html; charset=utf-8");
             });
  router.add(
      {"GET",
       "/docs/{asset}",
       "docs",
       "Swagger UI assets (swagger-ui.css, swagger-ui-bundle.js) and the page's script (init.js)",
       {},
       nullptr,
       {{"200", {{"description", "The file"}, {"content_type", {"text/css", "application/javascript"}}}},
        {"404", "No such asset"},
        {"503", "Swagger UI is not installed (scripts/serve installs it)"}}},
      [](const httplib::Request& req, httplib::Response& res) {
        static const std::map<std::string, std::string> kAssets = {
            {"swagger-ui.css", "text/css"}, {"swagger-ui-bundle.js", "application/javascript"}};
        if (req.matches[1] == "init.js") return res.set_content(kDocsInit, "application/javascript");
        const auto it = kAssets.find(req.matches[1]);
        const auto path = swagger_ui_dir() / req.matches[1].str();
        if (it == kAssets.end()) throw Error("not_found", "no asset " + req.matches[1].str(), 404);
        if (!std::filesystem::is_regular_file(path)) {
          // The server's own paths are not the client's business.
          throw Error("docs_unavailable", "Swagger UI is not installed; scripts/serve installs it", 503);
        }
        res.set_content(read_file(path), it->second);
      });
  auto document = std::make_shared<json>();
  router.add({"GET",
              "/openapi.json",
              "docs",
              "This OpenAPI document",
              {},
              nullptr,
              {{"200", {{"description", "OpenAPI 3 document"}, {"schema", "OpenApi"}}}}},
             [document](const httplib::Request&, httplib::Response& res) { send_json(res, 200, *document); });
  *document = openapi_document(router.routes(), nodes);
}

}  // namespace yv::http

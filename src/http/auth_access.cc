#include "http/auth_access.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "storage/input_paths.h"
#include "storage/object_keys.h"

namespace yv::http::auth {
namespace {

using nlohmann::json;

// (name, value) of each "{name}" of a route's path, from the request's matches. Runs for every request with a
// key: a scan, not a regular expression.
std::vector<std::pair<std::string, std::string>> path_params(const RouteDoc& route,
                                                             const httplib::Request& req) {
  std::vector<std::pair<std::string, std::string>> params;
  for (size_t open = route.path.find('{'), i = 1; open != std::string::npos && i < req.matches.size();
       open = route.path.find('{', open + 1), ++i) {
    const size_t close = route.path.find('}', open);
    params.emplace_back(route.path.substr(open + 1, close - open - 1), req.matches[i].str());
  }
  return params;
}

Error not_found(const std::string& kind, const std::string& id) {
  if (kind == "workflow") return Error("workflow_not_found", "workflow " + id + " not found", 404);
  if (kind == "task") return Error("task_not_found", "task " + id + " not found", 404);
  if (kind == "upload") return Error("upload_not_found", "upload session " + id + " not found", 404);
  return Error("file_not_found", "文件不存在: " + id, 404);
}

}  // namespace

AccessControl::AccessControl(std::unique_ptr<KeyStore> keys, std::filesystem::path owners_file)
    : keys_(std::move(keys)), owners_(std::move(owners_file)) {}

std::shared_ptr<AccessControl> AccessControl::from_environment() {
  std::unique_ptr<KeyStore> keys = KeyStore::from_environment();
  const char* owners = std::getenv("YIVIDEO_OWNERS_FILE");
  std::filesystem::path file =
      owners && *owners ? std::filesystem::path(owners) : keys->file().parent_path() / "api_key_owners.jsonl";
  return std::make_shared<AccessControl>(std::move(keys), std::move(file));
}

std::optional<Refusal> AccessControl::admit(const RequestHead& head, bool transfer) {
  const auto scope = required_scope(head.method, head.path);
  if (!scope || !keys_->enabled()) return std::nullopt;
  const std::string_view presented = presented_key(head.header("Authorization"), head.header("X-API-Key"));
  if (presented.empty())
    return Refusal{401,
                   "unauthorized",
                   "this route needs an API key: send Authorization: Bearer <key> or X-API-Key: <key>",
                   {{"WWW-Authenticate", "Bearer"}}};
  const auto key = keys_->identify(presented);
  if (!key)
    return Refusal{
        401, "invalid_api_key", "the API key is unknown or revoked", {{"WWW-Authenticate", "Bearer"}}};
  if (!allows(key->scopes, *scope))
    return Refusal{
        403, "insufficient_scope",
        head.method + " " + head.path + " needs a key with the '" + scope_name(*scope) + "' scope"};
  const bool upload = transfer && head.method == "POST";
  // A chunked body announces no length: the upload limit could only be applied after it was read.
  if (upload && head.chunked && key->upload_bytes_per_hour > 0)
    return Refusal{411, "length_required", "send the body with a Content-Length"};
  const uint64_t bytes = upload ? head.content_length.value_or(0) : 0;
  if (const auto wait = limits_.admit(*key, bytes)) {
    const bool quota = bytes > 0 && key->upload_bytes_per_hour > 0;
    return Refusal{
        429,
        quota ? "upload_quota_exceeded" : "rate_limited",
        quota ? "this key may upload " + std::to_string(key->upload_bytes_per_hour) + " bytes an hour"
              : "this key may send " + std::to_string(key->requests_per_second) + " requests a second",
        {{"Retry-After", std::to_string(*wait)}}};
  }
  return std::nullopt;
}

std::optional<KeyRecord> AccessControl::caller(const httplib::Request& req) {
  if (!required_scope(req.method, req.path) || !keys_->enabled()) return std::nullopt;
  const std::string authorization = req.get_header_value("Authorization"),
                    x_api_key = req.get_header_value("X-API-Key");
  const auto present = [](const std::string& v) {
    return v.empty() ? std::nullopt : std::optional<std::string_view>(v);
  };
  // The request passed admit(); a key revoked in between is refused here.
  auto key = keys_->identify(presented_key(present(authorization), present(x_api_key)));
  if (!key) throw Error("invalid_api_key", "the API key is unknown or revoked", 401);
  return key;
}

bool AccessControl::owns(const KeyRecord& key, const std::string& kind, const std::string& id) {
  return owners_.owner(kind, id) == key.id;
}

std::optional<bool> AccessControl::owns_folder(const KeyRecord& caller, const std::string& name) {
  const size_t slash = name.find('/');
  const size_t end = slash == std::string::npos ? slash : name.find('/', slash + 1);
  if (end == std::string::npos) return std::nullopt;
  const std::string folder = name.substr(0, slash), id = name.substr(slash + 1, end - slash - 1);
  if (folder == "workflows") return owns(caller, "workflow", id);
  // A workflow's stages run as tasks of the workflow's id.
  if (folder == "tasks") return owns(caller, "task", id) || owns(caller, "workflow", id);
  return std::nullopt;
}

void AccessControl::check_object_read(const KeyRecord& caller, const std::string& bucket,
                                      const std::string& key) {
  const std::string name = key.starts_with("/share/") ? key.substr(7) : key;
  const auto in_folder = owns_folder(caller, name);
  if (in_folder ? !*in_folder : !owns(caller, "file", bucket + "/" + name)) throw not_found("file", name);
}

void AccessControl::check_inputs(const KeyRecord& caller, const json& body) {
  json inputs = body;  // for_each_input_file lends values to change; these are only read
  storage::for_each_input_file(inputs, [&](const std::string& name, json& value) {
    const std::string path = value.get<std::string>();
    if (path.empty() || path.starts_with("http://") || path.starts_with("https://") ||
        path.starts_with("${{"))
      return;
    if (path.starts_with("s3://") || (path.starts_with("/") && !path.starts_with("/share/")))
      throw Error("input_not_allowed",
                  name +
                      ": a key without the admin scope names inputs by their key in the store (its own "
                      "uploads and outputs) or by an http(s) URL, not as a local path or s3:// URI",
                  403);
    check_object_read(caller, storage::kDefaultBucket, path);
  });
}

void AccessControl::before(const RouteDoc& route, const httplib::Request& req) {
  const auto key = caller(req);
  if (!key || (key->scopes & kAdmin)) return;
  for (const auto& [name, value] : path_params(route, req)) {
    if (name == "workflow_id" && !owns(*key, "workflow", value)) throw not_found("workflow", value);
    // Monitoring's heartbeat/task/{task_id} takes a workflow's id too.
    if (name == "task_id" && !owns(*key, "task", value) && !owns(*key, "workflow", value))
      throw not_found("task", value);
    if (name == "upload_id" && !owns(*key, "upload", value)) throw not_found("upload", value);
    if (name == "file_path")
      check_object_read(
          *key, req.has_param("bucket") ? req.get_param_value("bucket") : storage::kDefaultBucket, value);
  }
  if (route.method != "POST" || req.body.empty()) return;
  const json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) return;  // the handler reports it
  if (route.path == "/v1/workflows" && body.contains("workflow_id") && body["workflow_id"].is_string()) {
    const std::string id = body["workflow_id"];
    if (!owns(*key, "workflow", id)) throw not_found("workflow", id);
  }
  if (route.path == "/v1/tasks" && body.contains("task_id") && body["task_id"].is_string()) {
    const std::string id = body["task_id"];
    if (const auto owner = owners_.owner("task", id); owner && owner != key->id)
      throw Error("task_conflict", "task_id " + id + " is taken: choose another", 409);
  }
  check_inputs(*key, body);
}

void AccessControl::after(const RouteDoc& route, const httplib::Request& req, httplib::Response& res) {
  if (route.method == "GET" && route.path == "/v1/files/list") return keep_own_files(req, res);
  // The OpenAI-style audio routes run a task whatever their answer (text, or an error): its id comes in a
  // header, and its status route is the caller's to read.
  if (route.path.starts_with("/v1/audio/") && res.has_header("X-YiVideo-Task-Id")) {
    if (const auto key = caller(req))
      owners_.record("task", res.get_header_value("X-YiVideo-Task-Id"), key->id);
    return;
  }
  const bool list = route.method == "GET" && route.path == "/v1/workflows";
  if (res.status < 200 || res.status >= 300 || (route.method != "POST" && !list)) return;
  const auto key = caller(req);
  if (!key) return;
  const bool listing = list && !(key->scopes & kAdmin);
  if (list && !listing) return;
  json body = json::parse(res.body, nullptr, false);
  if (!body.is_object()) return;
  if (listing && body.contains("workflows")) {
    json mine = json::array();
    for (const auto& w : body["workflows"]) {
      if (w.contains("workflow_id") && owns(*key, "workflow", w["workflow_id"].get<std::string>()))
        mine.push_back(w);
    }
    body["count"] = mine.size();
    body["workflows"] = std::move(mine);
    res.set_content(body.dump(), "application/json");
    return;
  }
  // What the answer says was created becomes the key's (a record it already had keeps its owner).
  if (route.path == "/v1/workflows" && body.contains("workflow_id"))
    owners_.record("workflow", body["workflow_id"], key->id);
  if (route.path == "/v1/tasks" && body.contains("task_id")) owners_.record("task", body["task_id"], key->id);
  if (route.path == "/v1/uploads" && body.contains("upload_id"))
    owners_.record("upload", body["upload_id"], key->id);
  if ((route.path == "/v1/files/upload" || route.path == "/v1/uploads/{upload_id}/complete") &&
      body.contains("file_path"))
    owners_.record("file",
                   body.value("bucket", storage::kDefaultBucket) + "/" + body["file_path"].get<std::string>(),
                   key->id);
}

void AccessControl::keep_own_files(const httplib::Request& req, httplib::Response& res) {
  const auto key = caller(req);
  if (res.status != 200 || !key || (key->scopes & kAdmin)) return;
  json body = json::parse(res.body, nullptr, false);
  if (!body.is_object() || !body.contains("files")) return;
  const std::string bucket = body.value("bucket", storage::kDefaultBucket);
  json mine = json::array();
  for (const auto& f : body["files"]) {
    try {
      check_object_read(*key, bucket, f.value("file_path", ""));
      mine.push_back(f);
    } catch (const Error&) {  // someone else's: not listed, as a missing one would not be
    }
  }
  body["count"] = mine.size();
  body["files"] = std::move(mine);
  res.set_content(body.dump(), "application/json");
}

void AccessControl::check_object_write(const httplib::Request& req, const std::string& bucket,
                                       const std::string& key) {
  const auto k = caller(req);
  if (!k || (k->scopes & kAdmin)) return;
  const auto in_folder = owns_folder(*k, key);
  const auto owner = owners_.owner("file", bucket + "/" + key);
  if (in_folder ? !*in_folder : owner && owner != k->id)
    throw Error("file_exists", key + " was uploaded with another key: choose another file_path", 409);
}

}  // namespace yv::http::auth

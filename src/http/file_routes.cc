#include "http/file_routes.h"

#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <regex>

#include "core/error.h"
#include "core/ids.h"
#include "http/json_io.h"
#include "http/multipart_form.h"
#include "http/object_download.h"
#include "http/public_url.h"
#include "http/query_params.h"
#include "http/upload_session_routes.h"
#include "storage/download_urls.h"
#include "storage/object_keys.h"

namespace yv::http {
namespace {

using nlohmann::json;

std::string bucket_of(const httplib::Request& req) {
  const std::string bucket =
      req.has_param("bucket") ? req.get_param_value("bucket") : storage::kDefaultBucket;
  storage::check_bucket(bucket);
  return bucket;
}

void upload(const Router& router, const storage::BlobStore& store, uint64_t limit,
            const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
  MultipartForm form = read_multipart_form(store, limit, req, reader);
  const auto value = [&](const std::string& name, const std::string& fallback) {
    if (const auto given = form.field(name)) return *given;
    return req.has_param(name) ? req.get_param_value(name) : fallback;
  };
  const std::string bucket = value("bucket", storage::kDefaultBucket);
  const std::string key = value("file_path", form.filename);
  storage::check_bucket(bucket);
  storage::check_key(key);
  router.check_object_write(req, bucket, key);
  send_json(res, 200, stored_json(store, req, bucket, key, form.file.commit(bucket, key)));
}

// The key a download or listing names: a key, or its "/share/..." name as stage outputs show it.
std::string key_of(const std::string& given) { return storage::share_key(given).value_or(given); }

void list(const storage::BlobStore& store, const httplib::Request& req, httplib::Response& res) {
  const std::string given = req.get_param_value("prefix");
  std::string prefix = given;
  if (const auto shared = storage::share_key(given))
    prefix = *shared + (!shared->empty() && given.ends_with('/') ? "/" : "");
  const std::string bucket = bucket_of(req);
  const int limit = int_param(req, "limit", 1000, 1, 1000);
  bool truncated = false;
  const auto found = store.list(bucket, prefix, size_t(limit), truncated);
  const std::string base = public_base(req);
  json files = json::array();
  for (const auto& o : found) {
    const std::string gateway = storage::download_url(base, bucket, o.key);
    files.push_back(
        {{"file_path", o.key},
         {"share_path", bucket == storage::kDefaultBucket ? json(std::string(storage::kSharePrefix) + o.key)
                                                          : json(nullptr)},
         {"size", o.size},
         {"download_url", store.presigned_url(bucket, o.key).value_or(gateway)}});
  }
  send_json(res, 200,
            {{"bucket", bucket},
             {"prefix", prefix},
             {"files", files},
             {"count", files.size()},
             {"truncated", truncated}});
}

}  // namespace

json stored_json(const storage::BlobStore& store, const httplib::Request& req, const std::string& bucket,
                 const std::string& key, const storage::ObjectInfo& info) {
  return {{"file_path", key},
          {"bucket", bucket},
          {"download_url",
           store.presigned_url(bucket, key).value_or(storage::download_url(public_base(req), bucket, key))},
          {"size", info.size},
          {"uploaded_at", iso8601(info.modified)},
          {"content_type", info.content_type}};
}

void add_file_routes(Router& router, const storage::BlobStore& store) {
  uint64_t limit = uint64_t(10) << 30;
  if (const char* env = std::getenv("YIVIDEO_MAX_UPLOAD_BYTES")) limit = std::strtoull(env, nullptr, 10);
  add_upload_session_routes(router, store, limit);
  const std::vector<QueryParam> bucket = {{"bucket", R"({"$ref": "#/components/schemas/Bucket"})", "Bucket"}};
  // The form fields may also come as query parameters (the quick-start sends -F).
  const nlohmann::json upload_form = {
      {"type", "object"},
      {"required", {"file"}},
      {"properties",
       {{"file", {{"type", "string"}, {"format", "binary"}, {"description", "Exactly one file part"}}},
        {"file_path", {{"$ref", "#/components/schemas/ObjectKey"}}},
        {"bucket", {{"$ref", "#/components/schemas/Bucket"}}}}}};
  router.add_streaming(
      {"POST",
       "/v1/files/upload",
       "files",
       "Upload a file (multipart: file, file_path, bucket)",
       {{"file_path", R"({"$ref": "#/components/schemas/ObjectKey"})",
         "Key to store it under (a form field wins); default the file's name"},
        {"bucket", R"({"$ref": "#/components/schemas/Bucket"})", "Bucket (a form field wins)"}},
       {{"required", true},
        {"description", "multipart/form-data; form fields at most 4096 bytes"},
        {"content", {{"multipart/form-data", {{"schema", upload_form}}}}}},
       {{"200", {{"description", "Stored"}, {"schema", "FileStored"}}},
        {"400",
         "Not multipart, no or several file parts, a field too long, an invalid key or bucket, or a "
         "body cut short"},
        {"413", "The file is larger than YIVIDEO_MAX_UPLOAD_BYTES"},
        {"507",
         "disk_full: storing the file would leave less than YIVIDEO_MIN_FREE_DISK_BYTES free on the server's "
         "disk (nothing is kept)"}}},
      [&router, &store, limit](const httplib::Request& req, httplib::Response& res,
                               const httplib::ContentReader& reader) {
        upload(router, store, limit, req, res, reader);
      });
  router.add_download({"GET",
                       "/v1/files/download/{file_path}",
                       "files",
                       "Download by key or /share/<key> name (also HEAD; Range and ETag supported)",
                       bucket,
                       nullptr,
                       {{"200",
                         {{"description", "The bytes (Content-Type from the content; ETag, Accept-Ranges)"},
                          {"content_type", "*/*"}}},
                        {"206", {{"description", "The requested range"}, {"content_type", "*/*"}}},
                        {"304", "Not modified (If-None-Match matched the ETag)"},
                        {"400", "An invalid key or bucket"},
                        {"404", "No such object"},
                        {"416",
                         {{"description",
                           "No requested range can be satisfied (Content-Range: bytes */<size>; no "
                           "body)"}}}}},
                      [&store](const httplib::Request& req, httplib::Response& res) {
                        send_object(store, bucket_of(req), key_of(req.matches[1]), req, res);
                      });
  router.add(
      {"GET",
       "/v1/files/list",
       "files",
       "List stored files under a prefix (a workflow's: prefix=workflows/<id>/), each with its URL",
       {{"prefix", R"({"$ref": "#/components/schemas/ListPrefix"})",
         "Keys starting with this (also as /share/...; empty: all); workflows/<id>/ is a workflow's outputs"},
        {"limit", R"({"type": "integer", "minimum": 1, "maximum": 1000, "default": 1000})",
         "At most this many (in key order); truncated tells whether there were more"},
        bucket[0]},
       nullptr,
       {{"200", {{"description", "The files"}, {"schema", "FileList"}}},
        {"400", "An invalid prefix, limit or bucket"}}},
      [&store](const httplib::Request& req, httplib::Response& res) { list(store, req, res); });
  // Before /v1/files/{file_path}, which would otherwise take "directories" for a key.
  router.add(
      {"DELETE",
       "/v1/files/directories",
       "files",
       "Delete a workflow's or task's folder (idempotent)",
       {{"directory_path",
         R"({"type": "string", "required": true, "pattern": "^(?:/share/)?(?:workflows|tasks)/[A-Za-z0-9][A-Za-z0-9._:-]*/*$"})",
         "/share/workflows/<id>, workflows/<id> or tasks/<id>: nothing else can be removed"},
        bucket[0]},
       nullptr,
       {{"200", {{"description", "Deleted, or already gone"}, {"schema", "FolderDeleted"}}},
        {"400", "Not a workflow or task folder, or an invalid bucket"}}},
      [&store](const httplib::Request& req, httplib::Response& res) {
        std::string dir = req.get_param_value("directory_path");
        if (dir.starts_with("/share/")) dir = dir.substr(7);
        while (dir.ends_with("/")) dir.pop_back();
        // Only a whole workflow or task folder: the store itself can never be wiped through this route.
        static const std::regex kFolder(R"((workflows|tasks)/[A-Za-z0-9][A-Za-z0-9._:-]*)");
        if (!std::regex_match(dir, kFolder)) {
          throw Error("invalid_path",
                      "directory_path must be a workflow or task folder (/share/workflows/<id>, "
                      "workflows/<id> or tasks/<id>), not '" +
                          req.get_param_value("directory_path") + "'",
                      400);
        }
        const uint64_t removed = store.remove_folder(bucket_of(req), dir);
        send_json(res, 200, {{"success", true}, {"directory_path", dir}, {"removed_entries", removed}});
      });
  router.add({"DELETE",
              "/v1/files/{file_path}",
              "files",
              "Delete one object",
              bucket,
              nullptr,
              {{"200", {{"description", "Deleted"}, {"schema", "FileDeleted"}}},
               {"400", "An invalid key or bucket"},
               {"404", "No such object"}}},
             [&store](const httplib::Request& req, httplib::Response& res) {
               const std::string key = key_of(req.matches[1]);
               if (!store.remove(bucket_of(req), key))
                 throw Error("file_not_found", "文件不存在: " + key, 404);
               send_json(res, 200, {{"success", true}, {"file_path", key}});
             });
}

}  // namespace yv::http

#include "http/upload_session_routes.h"

#include <httplib.h>

#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/ids.h"
#include "http/file_routes.h"
#include "http/json_io.h"
#include "http/query_params.h"
#include "storage/object_keys.h"
#include "storage/resumable_uploads.h"

namespace yv::http {
namespace {

using nlohmann::json;

json session_json(const storage::UploadSession& s) {
  return {{"upload_id", s.id}, {"file_path", s.key}, {"bucket", s.bucket},
          {"size", s.size},    {"offset", s.offset}, {"expires_at", iso8601(s.expires_at)}};
}

const json kSessionSchema = {
    {"type", "object"},
    {"required", {"upload_id", "file_path", "bucket", "size", "offset", "expires_at"}},
    {"properties",
     {{"upload_id", {{"type", "string"}}},
      {"file_path", {{"type", "string"}}},
      {"bucket", {{"type", "string"}}},
      {"size", {{"type", "integer"}, {"minimum", 0}}},
      {"offset", {{"type", "integer"}, {"minimum", 0}, {"description", "Bytes received: send from here"}}},
      {"expires_at", {{"type", "string"}, {"description", "When the session ends unless a part arrives"}}}}}};

storage::UploadSession create(const storage::ResumableUploads& uploads, const Router& router,
                              const httplib::Request& req) {
  const json body = parse_body(req);
  const bool typed = body.is_object() && body.contains("file_path") && body["file_path"].is_string() &&
                     body.contains("size") && body["size"].is_number_unsigned() &&
                     (!body.contains("bucket") || body["bucket"].is_string());
  if (!typed)
    throw Error("invalid_request",
                "send {\"file_path\": \"<key>\", \"size\": <bytes>} (and \"bucket\" if not the default)",
                400);
  const std::string bucket = body.value("bucket", storage::kDefaultBucket), key = body["file_path"];
  storage::check_bucket(bucket);
  storage::check_key(key);
  router.check_object_write(req, bucket, key);
  return uploads.create(bucket, key, body["size"].get<uint64_t>());
}

void append(const storage::ResumableUploads& uploads, const httplib::Request& req, httplib::Response& res,
            const httplib::ContentReader& reader) {
  const uint64_t offset = count_param(req, "offset");
  if (!req.has_header("Content-Length"))
    throw Error("length_required", "send each part with a Content-Length", 411);
  const uint64_t length = std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
  const auto session =
      uploads.append(req.matches[1], offset, length, [&reader](const storage::ByteSink& sink) {
        return reader([&sink](const char* data, size_t n) { return sink(data, n); });
      });
  send_json(res, 200, session_json(session));
}

}  // namespace

void add_upload_session_routes(Router& router, const storage::BlobStore& store, uint64_t max_bytes) {
  double ttl = 86400;
  if (const char* env = std::getenv("YIVIDEO_UPLOAD_SESSION_SECONDS"); env && *env) ttl = std::atof(env);
  const auto uploads = std::make_shared<storage::ResumableUploads>(store, max_bytes, ttl);
  const json not_found = "upload_not_found: no such session (unknown, expired, completed or another key's)";
  router.add({"POST",
              "/v1/uploads",
              "files",
              "Start a resumable upload: the file's key and size; its bytes follow as parts",
              {},
              {{"type", "object"},
               {"required", {"file_path", "size"}},
               {"properties",
                {{"file_path", {{"$ref", "#/components/schemas/ObjectKey"}}},
                 {"bucket", {{"$ref", "#/components/schemas/Bucket"}}},
                 {"size",
                  {{"type", "integer"},
                   {"minimum", 0},
                   {"maximum", max_bytes},
                   {"description", "The whole file's bytes (at most YIVIDEO_MAX_UPLOAD_BYTES)"}}}}}},
              {{"201", {{"description", "The session, at offset 0"}, {"schema", kSessionSchema}}},
               {"400", "Not such a body, or an invalid key or bucket"},
               {"409", "file_exists: the key holds another key's upload"},
               {"413", "The size is larger than YIVIDEO_MAX_UPLOAD_BYTES"},
               {"507", "disk_full: the size would take the server's disk below its reserve"}}},
             [uploads, &router](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 201, session_json(create(*uploads, router, req)));
             });
  router.add({"GET",
              "/v1/uploads/{upload_id}",
              "files",
              "A resumable upload's session: how many bytes arrived (offset), so a client resumes from there",
              {},
              nullptr,
              {{"200", {{"description", "The session"}, {"schema", kSessionSchema}}}, {"404", not_found}}},
             [uploads](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200, session_json(uploads->find(req.matches[1])));
             });
  router.add_streaming(
      {"POST",
       "/v1/uploads/{upload_id}/parts",
       "files",
       "Append bytes to a resumable upload at offset (the session's offset; bytes of a request cut short are "
       "kept)",
       {{"offset",
         R"({"type": "integer", "minimum": 0, "maximum": )" + std::to_string(max_bytes) +
             R"(, "required": true})",
         "Where the bytes go: the session's offset, which the answer to its GET tells"}},
       {{"required", false},
        {"description", "The bytes, with a Content-Length (an empty part changes nothing)"},
        {"content",
         {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}},
       {{"200", {{"description", "The session with its new offset"}, {"schema", kSessionSchema}}},
        {"400", "No or an invalid offset, or the body was cut short (what arrived was kept)"},
        {"404", not_found},
        {"409",
         "upload_offset_mismatch: offset is not the session's (ask for it); upload_busy: another request is "
         "writing to the session"},
        {"411", "No Content-Length"},
        {"413", "The bytes would pass the size announced at the start"},
        {"507", "disk_full: the server's disk is at its reserve"}}},
      [uploads](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        append(*uploads, req, res, reader);
      });
  router.add({"POST",
              "/v1/uploads/{upload_id}/complete",
              "files",
              "Finish a resumable upload: its bytes become the file, as a single upload's do",
              {},
              nullptr,
              {{"200", {{"description", "Stored"}, {"schema", "FileStored"}}},
               {"404", not_found},
               {"409",
                "upload_incomplete: bytes are missing (ask for the offset); upload_busy: a part is still "
                "arriving; file_exists: the key holds another key's upload"},
               {"507", "storage_error: the store refused the file"}}},
             [uploads, &router, &store](const httplib::Request& req, httplib::Response& res) {
               const storage::UploadSession s = uploads->find(req.matches[1]);
               router.check_object_write(req, s.bucket, s.key);
               send_json(res, 200, stored_json(store, req, s.bucket, s.key, uploads->complete(s.id)));
             });
  router.add(
      {"DELETE",
       "/v1/uploads/{upload_id}",
       "files",
       "Abandon a resumable upload: its bytes are dropped",
       {},
       nullptr,
       {{"200",
         {{"description", "Dropped"},
          {"schema",
           {{"type", "object"},
            {"required", {"success", "upload_id"}},
            {"properties", {{"success", {{"type", "boolean"}}}, {"upload_id", {{"type", "string"}}}}}}}}},
        {"404", not_found},
        {"409", "upload_busy: a part is still arriving"}}},
      [uploads](const httplib::Request& req, httplib::Response& res) {
        const std::string id = req.matches[1];
        if (!uploads->cancel(id)) uploads->find(id);  // throws the 404
        send_json(res, 200, {{"success", true}, {"upload_id", id}});
      });
}

}  // namespace yv::http

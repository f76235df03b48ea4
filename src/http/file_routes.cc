#include "http/file_routes.h"

#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>

#include "core/error.h"
#include "core/ids.h"
#include "http/json_io.h"
#include "storage/content_type.h"
#include "storage/object_keys.h"
#include "storage/sigv4.h"

namespace yv::http {
namespace {

using nlohmann::json;

constexpr size_t kMaxFieldBytes = 4096;

// Where clients download an object: $YIVIDEO_PUBLIC_URL, else the host the client reached us by.
std::string download_url(const httplib::Request& req, const std::string& bucket, const std::string& key) {
  const char* base = std::getenv("YIVIDEO_PUBLIC_URL");
  std::string url = base && *base ? base : "http://" + req.get_header_value("Host");
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/v1/files/download/" + storage::uri_encode(key, true) + "?bucket=" + bucket;
}

std::string bucket_of(const httplib::Request& req) {
  const std::string bucket =
      req.has_param("bucket") ? req.get_param_value("bucket") : storage::kDefaultBucket;
  storage::check_bucket(bucket);
  return bucket;
}

std::string first_bytes(const storage::BlobStore& store, const std::string& bucket, const std::string& key,
                        uint64_t size) {
  std::string head;
  store.read(bucket, key, 0, std::min<uint64_t>(size, 64), [&](const char* data, size_t n) {
    head.append(data, n);
    return true;
  });
  return head;
}

void upload(const Router& router, const storage::BlobStore& store, uint64_t limit,
            const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
  if (!req.is_multipart_form_data()) {
    throw Error("invalid_request", "send multipart/form-data with a 'file' part (curl -F file=@...)", 400);
  }
  // The body's length bounds the file's: a body that cannot fit above the disk's reserve is refused unread.
  const uint64_t announced = req.has_header("Content-Length")
                                 ? std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10)
                                 : 0;
  storage::BlobStore::Upload upload = store.begin_upload(std::min(announced, limit));
  std::map<std::string, std::string> fields;
  std::string part, filename, refused;
  std::optional<Error> failed;  // of the spool file: the disk is full, or fell under its reserve
  int files = 0;
  // httplib's reader is not exception-safe: callbacks record what went wrong and stop the read.
  const bool complete = reader(
      [&](const httplib::MultipartFormData& header) {
        part = header.name;
        if (part == "file" && ++files == 1) filename = header.filename;
        if (files > 1) refused = "send exactly one 'file' part";
        return refused.empty();
      },
      [&](const char* data, size_t n) {
        if (part == "file") {
          if (upload.size() + n > limit) {
            refused = "too_large";
            return false;
          }
          try {
            upload.write(data, n);
          } catch (const Error& e) {
            failed = e;
            return false;
          }
        } else if (fields[part].size() + n <= kMaxFieldBytes) {
          fields[part].append(data, n);
        } else {
          refused = "form field '" + part + "' is too long";
          return false;
        }
        return true;
      });
  if (failed) throw *failed;  // the spool file goes with `upload`
  if (refused == "too_large") {
    throw Error("payload_too_large",
                "the file is larger than the limit of " + std::to_string(limit) + " bytes", 413);
  }
  if (!refused.empty()) throw Error("invalid_request", refused, 400);
  // A body cut short (the client went away) is never committed: the temporary file goes with `upload`.
  if (!complete) throw Error("incomplete_upload", "the upload ended before the whole body arrived", 400);
  if (files == 0) throw Error("invalid_request", "the 'file' part is missing", 400);
  const auto value = [&](const std::string& name, const std::string& fallback) {
    if (fields.contains(name)) return fields[name];
    return req.has_param(name) ? req.get_param_value(name) : fallback;
  };
  const std::string bucket = value("bucket", storage::kDefaultBucket);
  const std::string key = value("file_path", filename);
  storage::check_bucket(bucket);
  storage::check_key(key);
  router.check_object_write(req, bucket, key);
  const storage::ObjectInfo info = upload.commit(bucket, key);
  send_json(res, 200,
            {{"file_path", key},
             {"bucket", bucket},
             {"download_url", store.presigned_url(bucket, key).value_or(download_url(req, bucket, key))},
             {"size", info.size},
             {"uploaded_at", iso8601(info.modified)},
             {"content_type", info.content_type}});
}

void download(const storage::BlobStore& store, const httplib::Request& req, httplib::Response& res) {
  const std::string key = req.matches[1];
  const std::string bucket = bucket_of(req);
  const auto info = store.stat(bucket, key);
  if (!info) throw Error("file_not_found", "文件不存在: " + key, 404);
  res.set_header("ETag", info->etag);
  res.set_header("Accept-Ranges", "bytes");
  if (req.get_header_value("If-None-Match") == info->etag) {
    res.status = 304;
    return;
  }
  // httplib serves ranges but answers 206 even when none can be satisfied; RFC 9110 wants 416 then. This one
  // error has no JSON body: httplib would cut any body to the requested range.
  for (const auto& [first, last] : req.ranges) {
    const bool suffix = first < 0;  // "bytes=-N": the last N bytes
    if ((suffix && last == 0) || (!suffix && uint64_t(first) >= info->size) || (last >= 0 && last < first)) {
      res.set_header("Content-Range", "bytes */" + std::to_string(info->size));
      res.status = 416;
      return;
    }
  }
  // The type recorded at upload (S3) saves reading the first bytes again, when it is one of ours.
  const std::string type = storage::recognised_content_type(info->content_type)
                               ? info->content_type
                               : storage::content_type(key, first_bytes(store, bucket, key, info->size));
  if (info->size == 0) {
    res.set_content("", type);
    return;
  }
  // httplib asks for the bytes from `offset` on; one read streams all of them (from disk, or one ranged GET).
  res.set_content_provider(
      size_t(info->size), type, [&store, bucket, key](size_t offset, size_t length, httplib::DataSink& sink) {
        return store.read(bucket, key, offset, length,
                          [&sink](const char* data, size_t n) { return sink.write(data, n); });
      });
}

}  // namespace

void add_file_routes(Router& router, const storage::BlobStore& store) {
  uint64_t limit = uint64_t(10) << 30;
  if (const char* env = std::getenv("YIVIDEO_MAX_UPLOAD_BYTES")) limit = std::strtoull(env, nullptr, 10);
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
  router.add_download(
      {"GET",
       "/v1/files/download/{file_path}",
       "files",
       "Download (also HEAD; Range and ETag supported)",
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
      [&store](const httplib::Request& req, httplib::Response& res) { download(store, req, res); });
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
               const std::string key = req.matches[1];
               if (!store.remove(bucket_of(req), key))
                 throw Error("file_not_found", "文件不存在: " + key, 404);
               send_json(res, 200, {{"success", true}, {"file_path", key}});
             });
}

}  // namespace yv::http

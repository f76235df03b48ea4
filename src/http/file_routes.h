// Routes of api-contract.md §2, files, on the configured object store (local or S3): upload (multipart,
// streamed through a spool file), download and HEAD with ranges and ETag (http/object_download.h), listing
// by prefix with each file's URL, delete an object, delete a workflow's or task's folder. Objects may be
// named by key or by the "/share/<key>" name stage outputs carry (storage/object_keys.h).
#pragma once

#include <nlohmann/json.hpp>

#include "http/router.h"
#include "storage/blob_store.h"

namespace yv::http {

// Also the resumable uploads' routes (upload_session_routes.h). REQUIRES: store outlives the server.
void add_file_routes(Router& router, const storage::BlobStore& store);

// What a stored upload answers (the FileStored schema): its key, bucket, URL, size, time and type.
nlohmann::json stored_json(const storage::BlobStore& store, const httplib::Request& req,
                           const std::string& bucket, const std::string& key,
                           const storage::ObjectInfo& info);

}  // namespace yv::http

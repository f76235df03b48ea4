// A stored object as an HTTP answer: the download route's, and any route whose answer is a stored file (a
// workflow's subtitles). Streams from the store (a file, or one ranged GET on S3), with Content-Type
// recognised from the content, ETag (304 on If-None-Match), Accept-Ranges, ranges (206; 416 when none can be
// satisfied) and HEAD.
#pragma once

#include <string>

#include "storage/blob_store.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace yv::http {

// REQUIRES: store outlives the answer (it streams after the handler returns). Throws yv::Error
// "file_not_found" (404) when the object is absent, "invalid_path" (400) for an invalid name.
void send_object(const storage::BlobStore& store, const std::string& bucket, const std::string& key,
                 const httplib::Request& req, httplib::Response& res);

}  // namespace yv::http

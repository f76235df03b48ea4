#include "http/object_download.h"

#include <httplib.h>

#include <algorithm>

#include "core/error.h"
#include "storage/content_type.h"

namespace yv::http {
namespace {

std::string first_bytes(const storage::BlobStore& store, const std::string& bucket, const std::string& key,
                        uint64_t size) {
  std::string head;
  store.read(bucket, key, 0, std::min<uint64_t>(size, 64), [&](const char* data, size_t n) {
    head.append(data, n);
    return true;
  });
  return head;
}

}  // namespace

void send_object(const storage::BlobStore& store, const std::string& bucket, const std::string& key,
                 const httplib::Request& req, httplib::Response& res) {
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

}  // namespace yv::http

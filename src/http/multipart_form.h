// A multipart/form-data body read as it arrives: the routes that take a file with a few fields (uploads,
// OpenAI-compatible transcription) read it here, so that both bound it the same way.
//
// The one `file` part streams into an upload spool (storage/blob_store.h), never into memory, and is cut off
// at the route's byte limit; every other part is a text field of at most kMaxFieldBytes, at most kMaxFields
// of them. httplib's reader is not exception-safe, so its callbacks only record what went wrong; the errors
// are thrown once it has returned, and a spool file that was not committed is removed with the upload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/blob_store.h"

namespace httplib {
class ContentReader;
struct Request;
}  // namespace httplib

namespace yv::http {

inline constexpr size_t kMaxFieldBytes = 4096;
inline constexpr size_t kMaxFields = 64;

struct MultipartForm {
  storage::BlobStore::Upload file;  // complete; not yet committed
  std::string filename;             // as the client named the file part ("" when it gave none)
  // In the order sent; a name may repeat (OpenAI's "timestamp_granularities[]").
  std::vector<std::pair<std::string, std::string>> fields;

  // The first field of this name.
  std::optional<std::string> field(const std::string& name) const;
};

// Reads the body of `req` through `reader`, the file part into a new upload of `store` of at most `limit`
// bytes. Throws yv::Error "invalid_request" (400) when the body is not multipart, has no or several `file`
// parts, a field too long or too many fields; "payload_too_large" (413) past `limit`; "incomplete_upload"
// (400) when the body ends early; and what BlobStore::begin_upload and Upload::write throw ("disk_full").
MultipartForm read_multipart_form(const storage::BlobStore& store, uint64_t limit,
                                  const httplib::Request& req, const httplib::ContentReader& reader);

}  // namespace yv::http

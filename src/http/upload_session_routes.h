// Resumable uploads over HTTP (storage/resumable_uploads.h; docs/architecture.md, "Resumable uploads"):
//   POST   /v1/uploads                               {"file_path", "bucket"?, "size"} -> the session (201)
//   GET    /v1/uploads/{upload_id}                   the session: how many bytes arrived ("offset")
//   POST   /v1/uploads/{upload_id}/parts?offset=N    raw bytes appended at N -> the session
//   POST   /v1/uploads/{upload_id}/complete          -> the stored file, as /v1/files/upload answers
//   DELETE /v1/uploads/{upload_id}                   drops the session
// Parts are POSTs to a streaming route, so they are file transfers like /v1/files/upload: read as they
// arrive, from the transfers' thread pool, counted against the key's upload quota by their Content-Length,
// and cut off when the client stalls. A key reaches only the sessions it created (auth_access.h); completing
// is a write of the object, checked as an upload's is. The single-request upload is unchanged.
#pragma once

#include <cstdint>

#include "http/router.h"
#include "storage/blob_store.h"

namespace yv::http {

// Sessions expire after YIVIDEO_UPLOAD_SESSION_SECONDS (default a day) without a part; `max_bytes` bounds
// a session's size as it bounds a single upload's. REQUIRES: store outlives the server.
void add_upload_session_routes(Router& router, const storage::BlobStore& store, uint64_t max_bytes);

}  // namespace yv::http

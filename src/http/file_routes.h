// Routes of api-contract.md §2, files, on the local object store: upload (multipart, streamed to disk),
// download and HEAD with ranges and ETag, delete an object, delete a workflow's or task's folder.
#pragma once

#include "http/router.h"
#include "storage/local_store.h"

namespace yv::http {

// REQUIRES: store outlives the server.
void add_file_routes(Router& router, const storage::LocalStore& store);

}  // namespace yv::http

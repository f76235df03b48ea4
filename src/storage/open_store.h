// The object store that configuration selects, for the server (and, later, workers).
//
//   YIVIDEO_STORAGE=local (default)  files under storage_root() (YIVIDEO_DATA_DIR/files)
//   YIVIDEO_STORAGE=s3               an S3-compatible service:
//     YIVIDEO_S3_ENDPOINT            scheme://host[:port], e.g. http://127.0.0.1:9000 (MinIO)
//     YIVIDEO_S3_ACCESS_KEY, YIVIDEO_S3_SECRET_KEY  (else AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)
//     YIVIDEO_S3_REGION              default us-east-1
//     YIVIDEO_S3_PRESIGN_SECONDS     > 0: upload answers and listings carry presigned GET URLs valid this
//     long YIVIDEO_S3_PUBLIC_ENDPOINT     scheme://host[:port] those URLs name (default:
//     YIVIDEO_S3_ENDPOINT), for a
//                                    store that clients reach by another name than the servers do
//     YIVIDEO_S3_PART_BYTES          multipart part size (default 64 MiB, at least 5 MiB as S3 requires)
// Upload spool files stay on local disk (storage_root()/.uploads) either way, and uploads always leave
//   YIVIDEO_MIN_FREE_DISK_BYTES      free on that disk (default 1 GiB; 0: no reserve), so that clients cannot
//                                    fill the disk the state database and the workers' outputs need.
#pragma once

#include <memory>

#include "storage/blob_store.h"

namespace yv::storage {

// Throws yv::Error "invalid_config" (400) for an unknown backend, a missing S3 setting or a reserve that is
// not a number.
std::unique_ptr<BlobStore> open_store();

}  // namespace yv::storage

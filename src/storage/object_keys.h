// Names of stored objects: buckets and keys, validated before any of them touches a file system or a URL.
//
// A key is relative and '/'-separated: 1-1024 bytes, no empty, "." or ".." segments, no leading '/', no
// backslash, no NUL or other control characters. Percent-decoding happens before validation (the HTTP layer
// decodes paths), so "%2e%2e" is refused like "..". A bucket is 3-63 characters of a-z, 0-9, '.' and '-',
// as S3 requires.
#pragma once

#include <filesystem>
#include <string>

namespace yv::storage {

inline constexpr const char* kDefaultBucket = "yivideo";

// Throws yv::Error "invalid_path" (400) naming the problem.
void check_key(const std::string& key);
void check_bucket(const std::string& bucket);

// The directory holding a bucket's objects in the local store: storage_root()/<bucket>.
// REQUIRES: check_bucket(bucket) passed.
std::filesystem::path bucket_dir(const std::string& bucket);

}  // namespace yv::storage

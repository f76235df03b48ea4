// Names of stored objects: buckets and keys, validated before any of them touches a file system or a URL.
//
// A key is relative and '/'-separated: 1-1024 bytes, no empty, "." or ".." segments, no leading '/', no
// backslash, no NUL or other control characters. Percent-decoding happens before validation (the HTTP layer
// decodes paths), so "%2e%2e" is refused like "..". A bucket is 3-63 characters of a-z, 0-9, '.' and '-',
// as S3 requires.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace yv::storage {

inline constexpr const char* kDefaultBucket = "yivideo";

// Throws yv::Error "invalid_path" (400) naming the problem.
void check_key(const std::string& key);
void check_bucket(const std::string& bucket);
// A listing prefix: empty, or a key, or a key followed by '/' (a folder).
void check_prefix(const std::string& prefix);

// The quick-start's shared folder: an object of the default bucket is shown to clients as "/share/<key>"
// (a folder as "/share/<key>/"), the name stage outputs carry in both stores.
inline constexpr std::string_view kSharePrefix = "/share/";
// The key a "/share/..." name stands for (without a folder's final '/'), or nothing for other strings.
std::optional<std::string> share_key(std::string_view name);

// The directory holding a bucket's objects in the local store: storage_root()/<bucket>.
// REQUIRES: check_bucket(bucket) passed.
std::filesystem::path bucket_dir(const std::string& bucket);

}  // namespace yv::storage

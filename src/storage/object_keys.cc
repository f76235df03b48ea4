#include "storage/object_keys.h"

#include <algorithm>

#include "core/error.h"
#include "storage/input_paths.h"

namespace yv::storage {
namespace {

[[noreturn]] void refuse(const std::string& what, const std::string& why) {
  throw Error("invalid_path", "invalid " + what + ": " + why, 400);
}

}  // namespace

void check_key(const std::string& key) {
  if (key.empty() || key.size() > 1024) refuse("key", "it must be 1-1024 bytes long");
  if (key.front() == '/') refuse("key '" + key + "'", "it must be relative (no leading '/')");
  if (std::any_of(key.begin(), key.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f || c == '\\'; })) {
    refuse("key", "control characters and backslashes are not allowed");
  }
  size_t start = 0;
  while (start <= key.size()) {
    const size_t end = std::min(key.find('/', start), key.size());
    const std::string segment = key.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      refuse("key '" + key + "'", "empty, '.' and '..' segments are not allowed");
    }
    start = end + 1;
  }
}

void check_bucket(const std::string& bucket) {
  const bool ok =
      bucket.size() >= 3 && bucket.size() <= 63 &&
      std::all_of(
          bucket.begin(), bucket.end(),
          [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'; }) &&
      bucket.front() != '.' && bucket.front() != '-' && bucket.find("..") == std::string::npos;
  if (!ok) refuse("bucket '" + bucket + "'", "use 3-63 characters of a-z, 0-9, '.' and '-'");
}

void check_prefix(const std::string& prefix) {
  if (prefix.empty()) return;
  std::string key = prefix;
  if (key.ends_with('/')) key.pop_back();
  check_key(key);
}

std::optional<std::string> share_key(std::string_view name) {
  if (!name.starts_with(kSharePrefix)) return std::nullopt;
  name.remove_prefix(kSharePrefix.size());
  if (name.ends_with('/')) name.remove_suffix(1);
  return std::string(name);
}

std::filesystem::path bucket_dir(const std::string& bucket) { return storage_root() / bucket; }

}  // namespace yv::storage

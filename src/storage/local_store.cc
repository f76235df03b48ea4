#include "storage/local_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <vector>

#include "core/error.h"
#include "storage/object_keys.h"

namespace yv::storage {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void storage_error(const std::string& what, const std::error_code& ec) {
  throw Error("storage_error", what + ": " + ec.message(), 507);
}

bool inside(const fs::path& path, const fs::path& base) {
  const auto rel = path.lexically_relative(base);
  return !rel.empty() && *rel.begin() != ".." && rel != ".";
}

std::string hex(uint64_t v) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[v & 15]);
    v >>= 4;
  } while (v);
  return out;
}

}  // namespace

LocalStore::LocalStore(fs::path root, uint64_t min_free_bytes)
    : BlobStore(root / ".uploads", min_free_bytes), root_(std::move(root)) {}

fs::path LocalStore::object_path(const std::string& bucket, const std::string& key) const {
  check_bucket(bucket);
  check_key(key);
  const fs::path base = root_ / bucket;
  std::error_code ec;
  const fs::path real_base = fs::weakly_canonical(base, ec);
  const fs::path real = fs::weakly_canonical(base / key, ec);
  if (ec || !inside(real, real_base)) {
    throw Error("invalid_path", "key '" + key + "' leads outside bucket '" + bucket + "'", 400);
  }
  return base / key;
}

ObjectInfo LocalStore::commit_file(const fs::path& file, uint64_t, const std::string&,
                                   const std::string& bucket, const std::string& key) const {
  const fs::path target = object_path(bucket, key);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) throw Error("invalid_path", "cannot store '" + key + "': a part of it is an existing object", 400);
  fs::rename(file, target, ec);
  if (ec) throw Error("invalid_path", "cannot store '" + key + "': " + ec.message(), 400);
  return *stat(bucket, key);
}

bool LocalStore::read(const std::string& bucket, const std::string& key, uint64_t offset, uint64_t length,
                      const ByteSink& sink) const {
  std::ifstream in(object_path(bucket, key), std::ios::binary);
  if (!in) throw Error("file_not_found", "文件不存在: " + key, 404);
  in.seekg(std::streamoff(offset));
  std::vector<char> buffer(1 << 16);
  while (length > 0 && in) {
    in.read(buffer.data(), std::streamsize(std::min<uint64_t>(length, buffer.size())));
    const auto got = size_t(in.gcount());
    if (got == 0 || !sink(buffer.data(), got)) return false;
    length -= got;
  }
  return length == 0;
}

std::optional<ObjectInfo> LocalStore::stat(const std::string& bucket, const std::string& key) const {
  const fs::path path = object_path(bucket, key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const uint64_t ns = uint64_t(st.st_mtim.tv_sec) * 1000000000ull + uint64_t(st.st_mtim.tv_nsec);
  std::string etag = "\"";  // built step by step: GCC 12 warns falsely on one long concatenation
  etag.append(hex(uint64_t(st.st_size))).append("-").append(hex(ns)).append("\"");
  return ObjectInfo{uint64_t(st.st_size), etag, double(ns) / 1e9,
                    ""};  // no type kept: it is recognised on reading
}

bool LocalStore::remove(const std::string& bucket, const std::string& key) const {
  if (!stat(bucket, key)) return false;
  std::error_code ec;
  return fs::remove(object_path(bucket, key), ec);
}

std::vector<ListedObject> LocalStore::list(const std::string& bucket, const std::string& prefix, size_t max,
                                           bool& truncated) const {
  check_bucket(bucket);
  check_prefix(prefix);
  // Only the folder that holds every key with this prefix is walked; links are neither listed nor followed,
  // so a listing shows only objects of the bucket.
  const auto slash = prefix.rfind('/');
  const fs::path base = root_ / bucket;
  const fs::path dir = slash == std::string::npos ? base : object_path(bucket, prefix.substr(0, slash));
  std::vector<ListedObject> found;
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return found;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    std::string key = it->path().lexically_relative(base).generic_string();
    if (key.starts_with(prefix)) found.push_back({std::move(key), uint64_t(it->file_size(ec))});
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  truncated = found.size() > max;
  if (truncated) found.resize(max);
  return found;
}

uint64_t LocalStore::remove_folder(const std::string& bucket, const std::string& prefix) const {
  const fs::path dir = object_path(bucket, prefix);
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return 0;
  const auto removed = fs::remove_all(dir, ec);  // symlinks inside are removed, never followed
  if (ec) storage_error("cannot remove " + dir.string(), ec);
  return removed;
}

}  // namespace yv::storage

#include "storage/local_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>

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

LocalStore::LocalStore(fs::path root) : root_(std::move(root)) {}

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

LocalStore::Upload LocalStore::begin_upload() const {
  static std::atomic<uint64_t> counter{0};
  const fs::path dir = root_ / ".uploads";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) storage_error("cannot create " + dir.string(), ec);
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return Upload(
      *this, dir / (std::to_string(getpid()) + "-" + hex(uint64_t(now)) + "-" + std::to_string(counter++)));
}

LocalStore::Upload::Upload(const LocalStore& store, fs::path temp)
    : store_(&store), temp_(std::move(temp)), out_(temp_, std::ios::binary | std::ios::trunc) {
  if (!out_) storage_error("cannot create " + temp_.string(), std::make_error_code(std::errc::io_error));
}

LocalStore::Upload::~Upload() {
  if (committed_ || temp_.empty()) return;
  out_.close();
  std::error_code ec;
  fs::remove(temp_, ec);
}

void LocalStore::Upload::write(const char* data, size_t n) {
  if (head_.size() < 64) head_.append(data, std::min(n, 64 - head_.size()));
  out_.write(data, std::streamsize(n));
  if (!out_)
    storage_error("cannot write " + temp_.string(), std::make_error_code(std::errc::no_space_on_device));
  size_ += n;
}

ObjectInfo LocalStore::Upload::commit(const std::string& bucket, const std::string& key) {
  const fs::path target = store_->object_path(bucket, key);
  out_.close();
  if (!out_) storage_error("cannot write " + temp_.string(), std::make_error_code(std::errc::io_error));
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) throw Error("invalid_path", "cannot store '" + key + "': a part of it is an existing object", 400);
  fs::rename(temp_, target, ec);
  if (ec) throw Error("invalid_path", "cannot store '" + key + "': " + ec.message(), 400);
  committed_ = true;
  return *store_->stat(bucket, key);
}

std::optional<ObjectInfo> LocalStore::stat(const std::string& bucket, const std::string& key) const {
  const fs::path path = object_path(bucket, key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const uint64_t ns = uint64_t(st.st_mtim.tv_sec) * 1000000000ull + uint64_t(st.st_mtim.tv_nsec);
  std::string etag = "\"";  // built step by step: GCC 12 warns falsely on one long concatenation
  etag.append(hex(uint64_t(st.st_size))).append("-").append(hex(ns)).append("\"");
  return ObjectInfo{path, uint64_t(st.st_size), etag, double(ns) / 1e9};
}

bool LocalStore::remove(const std::string& bucket, const std::string& key) const {
  if (!stat(bucket, key)) return false;
  std::error_code ec;
  return fs::remove(object_path(bucket, key), ec);
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

#include "storage/blob_store.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <vector>

#include "core/error.h"
#include "storage/content_type.h"

namespace yv::storage {
namespace fs = std::filesystem;
namespace {

// How often a growing upload looks at the free space: the reserve may be overrun by at most this much per
// concurrent upload, at the cost of one statvfs per interval.
constexpr uint64_t kCheckEvery = 1 << 20;

// Answers name no server path: the path goes to the log.
[[noreturn]] void disk_error(const std::string& what, const fs::path& file, std::errc code) {
  const std::string why = std::make_error_code(code).message();
  spdlog::warn("upload spool {}: {}: {}", file.string(), what, why);
  if (code == std::errc::no_space_on_device)
    throw Error("disk_full", what + ": the server's disk is full", 507);
  throw Error("storage_error", what + ": " + why, 507);
}

[[noreturn]] void below_reserve() {
  throw Error("disk_full",
              "the server's disk has too little free space to store this upload (some is kept free for the "
              "work it runs); try again later",
              507);
}

// Creates `path` and locks it; -1 when it cannot be created. A sweep locks a file before removing it, so the
// file is ours once locked only if the name still leads to it; if not, it is created again. Where the file
// system has no locks, a sweep cannot lock the file either and leaves it alone.
int create_locked(const fs::path& path) {
  while (true) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    flock(fd, LOCK_EX);
    struct stat opened {
    }, named{};
    if (fstat(fd, &opened) == 0 && ::stat(path.c_str(), &named) == 0 && opened.st_ino == named.st_ino) {
      return fd;
    }
    ::close(fd);
  }
}

// Removes the files in `spool` that no live upload holds locked: those of processes that died uploading.
void remove_abandoned(const fs::path& spool) {
  std::error_code ec;
  for (fs::directory_iterator it(spool, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ignored;
    if (!it->is_regular_file(ignored)) continue;  // the resumable sessions' folder (resumable_uploads.h)
    const int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) fs::remove(it->path(), ignored);
    ::close(fd);
  }
}

}  // namespace

BlobStore::BlobStore(fs::path spool, uint64_t min_free_bytes)
    : spool_(std::move(spool)), min_free_bytes_(min_free_bytes) {
  remove_abandoned(spool_);
}

uint64_t BlobStore::free_bytes() const {
  struct statvfs disk {};
  if (statvfs(spool_.c_str(), &disk) != 0) return UINT64_MAX;  // unknown: the writes will tell
  return uint64_t(disk.f_bavail) * disk.f_frsize;
}

std::optional<std::string> BlobStore::presigned_url(const std::string&, const std::string&) const {
  return std::nullopt;
}

std::optional<fs::path> BlobStore::local_file(const std::string&, const std::string&) const {
  return std::nullopt;
}

ObjectInfo BlobStore::put_file(const fs::path& file, const std::string& bucket,
                               const std::string& key) const {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("storage_error", "cannot read " + file.string(), 507);
  Upload upload = begin_upload();
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), std::streamsize(buffer.size()));
    if (in.gcount() > 0) upload.write(buffer.data(), size_t(in.gcount()));
  }
  return upload.commit(bucket, key);
}

void BlobStore::get_file(const std::string& bucket, const std::string& key, const fs::path& file) const {
  const auto info = stat(bucket, key);
  if (!info) throw Error("file_not_found", "文件不存在: " + key, 404);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  const bool whole = read(bucket, key, 0, info->size, [&out](const char* data, size_t n) {
    out.write(data, std::streamsize(n));
    return bool(out);
  });
  if (!whole || !out.flush())
    throw Error("storage_error", "cannot copy " + key + " to " + file.string(), 507);
}

void BlobStore::check_room(uint64_t bytes) const {
  if (min_free_bytes_ > 0 && free_bytes() < min_free_bytes_ + bytes) below_reserve();
}

ObjectInfo BlobStore::commit_spooled(const fs::path& file, const std::string& bucket,
                                     const std::string& key) const {
  std::ifstream in(file, std::ios::binary);
  std::string head(64, '\0');
  in.read(head.data(), std::streamsize(head.size()));
  head.resize(size_t(in.gcount()));
  std::error_code ec;
  const uint64_t size = fs::file_size(file, ec);
  if (!in.good() && !in.eof()) disk_error("cannot read the upload", file, std::errc::io_error);
  if (ec) disk_error("cannot read the upload", file, std::errc(ec.value()));
  const std::string type = content_type(key, head);
  ObjectInfo info = commit_file(file, size, type, bucket, key);
  info.content_type = type;
  return info;
}

BlobStore::Upload BlobStore::begin_upload(uint64_t expected_bytes) const {
  static std::atomic<uint64_t> counter{0};
  std::error_code ec;
  fs::create_directories(spool_, ec);
  if (ec) disk_error("cannot store the upload", spool_, std::errc(ec.value()));
  check_room(expected_bytes);
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return Upload(*this, spool_ / (std::to_string(getpid()) + "-" + std::to_string(now) + "-" +
                                 std::to_string(counter++)));
}

BlobStore::Upload::Upload(const BlobStore& store, fs::path temp)
    : store_(&store), temp_(std::move(temp)), lock_(create_locked(temp_)) {
  if (lock_.fd >= 0) out_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!out_) disk_error("cannot store the upload", temp_, std::errc::io_error);
}

BlobStore::Upload::Lock::~Lock() {
  if (fd >= 0) ::close(fd);
}

BlobStore::Upload::~Upload() {
  if (temp_.empty()) return;  // moved from
  out_.close();
  std::error_code ec;
  fs::remove(temp_, ec);  // committed: the backend moved or copied it; otherwise the upload is abandoned
}

void BlobStore::Upload::write(const char* data, size_t n) {
  if (head_.size() < 64) head_.append(data, std::min(n, 64 - head_.size()));
  unchecked_ += n;
  if (unchecked_ >= kCheckEvery) {
    unchecked_ = 0;
    out_.flush();  // so that the free space counts what was written
    store_->check_room(0);
  }
  out_.write(data, std::streamsize(n));
  if (!out_) disk_error("cannot store the upload", temp_, std::errc::no_space_on_device);
  size_ += n;
}

ObjectInfo BlobStore::Upload::commit(const std::string& bucket, const std::string& key) {
  out_.close();
  if (!out_) disk_error("cannot store the upload", temp_, std::errc::no_space_on_device);
  const std::string type = content_type(key, head_);
  ObjectInfo info = store_->commit_file(temp_, size_, type, bucket, key);
  info.content_type = type;
  return info;
}

}  // namespace yv::storage

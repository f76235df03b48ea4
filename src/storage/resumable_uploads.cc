#include "storage/resumable_uploads.h"

#include <fcntl.h>
#include <limits.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <utility>

#include "core/error.h"
#include "core/ids.h"
#include "storage/object_keys.h"

namespace yv::storage {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

// How often a growing part looks at the free space (as a single upload does: blob_store.cc).
constexpr uint64_t kCheckEvery = 1 << 20;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

[[noreturn]] void not_found(const std::string& id) {
  throw Error("upload_not_found",
              "upload session " + id + " not found: unknown, expired or already completed; start a new one",
              404);
}

// The part file opened for writing and locked against other requests; fd -1 when it is gone.
struct PartLock {
  int fd = -1;
  PartLock(const fs::path& part, const std::string& id) {
    fd = ::open(part.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) not_found(id);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      throw Error(
          "upload_busy",
          "another request is writing to upload " + id + ": wait for it to end, then ask for the offset",
          409);
    }
  }
  PartLock(const PartLock&) = delete;
  PartLock& operator=(const PartLock&) = delete;
  ~PartLock() { ::close(fd); }
  uint64_t size() const {
    struct stat st {};
    return fstat(fd, &st) == 0 ? uint64_t(st.st_size) : 0;
  }
};

// Seconds since the file was last written; nullopt when it is absent.
std::optional<double> idle_seconds(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;
  return now_seconds() - (double(st.st_mtim.tv_sec) + double(st.st_mtim.tv_nsec) / 1e9);
}

[[noreturn]] void write_failed(const fs::path& part, int error) {
  spdlog::warn("upload session part {}: {}", part.string(), std::strerror(error));
  if (error == ENOSPC) throw Error("disk_full", "cannot store the upload: the server's disk is full", 507);
  throw Error("storage_error", std::string("cannot store the upload: ") + std::strerror(error), 507);
}

}  // namespace

ResumableUploads::ResumableUploads(const BlobStore& store, uint64_t max_bytes, double ttl_seconds)
    : store_(store), folder_(store.spool() / "sessions"), max_bytes_(max_bytes), ttl_seconds_(ttl_seconds) {
  sweep();
}

fs::path ResumableUploads::meta_file(const std::string& id) const {
  // Ids come from URLs: only the UUIDs create() hands out name files.
  static const std::regex kId("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  if (!std::regex_match(id, kId)) not_found(id);
  return folder_ / (id + ".json");
}

fs::path ResumableUploads::part_file(const std::string& id) const {
  return meta_file(id).replace_extension(".part");
}

UploadSession ResumableUploads::create(const std::string& bucket, const std::string& key,
                                       uint64_t size) const {
  check_bucket(bucket);
  check_key(key);
  // A name the local store's file system cannot hold is refused now, not after the bytes arrived.
  if (const auto file = store_.local_file(bucket, key)) {
    for (const auto& part : *file)
      if (part.native().size() > NAME_MAX)
        throw Error(
            "invalid_path",
            "cannot store '" + key + "': a part of it is longer than " + std::to_string(NAME_MAX) + " bytes",
            400);
  }
  if (size > max_bytes_)
    throw Error("payload_too_large",
                "the file is larger than the limit of " + std::to_string(max_bytes_) + " bytes", 413);
  store_.check_room(size);
  sweep();
  std::error_code ec;
  fs::create_directories(folder_, ec);
  UploadSession s{uuid4(), bucket, key, size, 0, now_seconds() + ttl_seconds_};
  // The part first: a session whose description exists always has one (a lone part is swept when old).
  const int fd = ::open(part_file(s.id).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) write_failed(part_file(s.id), errno);
  ::close(fd);
  const fs::path temp = meta_file(s.id).string() + ".tmp";
  std::ofstream(temp) << json{{"bucket", bucket}, {"key", key}, {"size", size}}.dump();
  fs::rename(temp, meta_file(s.id), ec);
  if (ec) write_failed(meta_file(s.id), ec.value());
  return s;
}

UploadSession ResumableUploads::find(const std::string& id) const {
  const fs::path meta = meta_file(id);
  const auto idle = idle_seconds(part_file(id));
  if (!idle || *idle > ttl_seconds_) not_found(id);
  std::ifstream in(meta);
  const json j = json::parse(in, nullptr, false);
  if (!j.is_object()) not_found(id);  // being created, or never
  std::error_code ec;
  const uint64_t offset = fs::file_size(part_file(id), ec);
  if (ec) not_found(id);
  return {id,
          j.value("bucket", ""),
          j.value("key", ""),
          j.value("size", uint64_t(0)),
          offset,
          now_seconds() - *idle + ttl_seconds_};
}

UploadSession ResumableUploads::append(const std::string& id, uint64_t offset, uint64_t length,
                                       const BodyReader& read) const {
  UploadSession s = find(id);
  const fs::path part = part_file(id);
  const PartLock lock(part, id);
  s.offset = lock.size();
  if (offset != s.offset)
    throw Error("upload_offset_mismatch",
                "upload " + id + " has received " + std::to_string(s.offset) + " bytes: send from offset " +
                    std::to_string(s.offset),
                409);
  if (length > s.size - s.offset)
    throw Error("payload_too_large",
                "the upload was announced as " + std::to_string(s.size) + " bytes; " +
                    std::to_string(s.offset) + " arrived, and " + std::to_string(length) +
                    " more would pass it",
                413);
  store_.check_room(length);
  uint64_t unchecked = 0, received = 0;
  std::optional<Error> failed;
  const bool whole = read([&](const char* data, size_t n) {
    if (received + n > length) return false;  // more than announced: refused below
    try {
      if ((unchecked += n) >= kCheckEvery) {
        unchecked = 0;
        store_.check_room(0);
      }
      for (size_t done = 0; done < n;) {
        const ssize_t wrote = ::write(lock.fd, data + done, n - done);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote < 0) write_failed(part, errno);
        done += size_t(wrote);
      }
    } catch (const Error& e) {
      failed = e;
      return false;
    }
    received += n;
    return true;
  });
  // What arrived is the session's from now on, whatever happens to this request.
  if (fdatasync(lock.fd) != 0 && !failed) write_failed(part, errno);
  if (failed) throw *failed;
  if (!whole || received != length)
    throw Error("incomplete_upload",
                "the request ended after " + std::to_string(received) + " of " + std::to_string(length) +
                    " bytes; they were kept: ask for the offset and send the rest",
                400);
  s.offset = lock.size();
  s.expires_at = now_seconds() + ttl_seconds_;
  return s;
}

ObjectInfo ResumableUploads::complete(const std::string& id) const {
  const UploadSession s = find(id);
  const fs::path part = part_file(id);
  const PartLock lock(part, id);
  if (lock.size() != s.size)
    throw Error("upload_incomplete",
                "upload " + id + " has received " + std::to_string(lock.size()) + " of its " +
                    std::to_string(s.size) + " bytes: send the rest first",
                409);
  ObjectInfo info = store_.commit_spooled(part, s.bucket, s.key);
  std::error_code ec;
  fs::remove(part, ec);  // moved already on the local store
  fs::remove(meta_file(id), ec);
  return info;
}

bool ResumableUploads::cancel(const std::string& id) const {
  try {
    find(id);
  } catch (const Error&) {
    return false;
  }
  const PartLock lock(part_file(id), id);
  std::error_code ec;
  fs::remove(meta_file(id), ec);
  fs::remove(part_file(id), ec);
  return true;
}

void ResumableUploads::sweep() const {
  std::set<std::string> ids;
  std::error_code ec;
  for (fs::directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec))
    ids.insert(it->path().filename().string().substr(0, 36));
  for (const auto& id : ids) {
    const fs::path part = folder_ / (id + ".part");
    const auto idle = idle_seconds(part);
    if (idle && *idle <= ttl_seconds_) continue;
    // Expired (or a lone description): removed unless a request still holds it.
    const int fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      continue;
    }
    std::error_code ignored;
    for (const char* suffix : {".part", ".json", ".json.tmp"}) fs::remove(folder_ / (id + suffix), ignored);
    if (fd >= 0) ::close(fd);
  }
}

}  // namespace yv::storage

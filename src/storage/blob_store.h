// The object store behind the file API and the engine: the embedded local store (local_store.h) or any
// S3-compatible service (s3_store.h), chosen by configuration (open_store.h).
//
// Every upload is spooled into a private temporary file first and handed to the backend only when complete
// (rename on disk; one PUT or a multipart upload on S3), so a reader never sees a partial object, an
// interrupted upload leaves nothing behind, and concurrent uploads to one key end with one of them whole.
// Memory stays bounded: bytes stream from the client to the spool file and from there to the backend.
//
// The spool's disk keeps a reserve free (min_free_bytes, YIVIDEO_MIN_FREE_DISK_BYTES in open_store.h): an
// upload that would take it below the reserve is refused with 507 "disk_full", before its first byte when its
// size is announced, else as soon as the disk falls under it, and its spool file is removed. Clients cannot
// fill the disk that the state database and the workers' outputs need (on one machine, usually the same).
//
// A process killed during an upload cannot remove its spool file, so each upload holds an exclusive flock on
// its file while it lives, and opening a store removes every spool file that no upload holds: at start-up of
// the server, of a worker, or of another gateway sharing the folder, whichever processes still run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace yv::storage {

struct ObjectInfo {
  uint64_t size = 0;
  std::string etag;  // quoted, changes whenever the object is replaced
  double modified = 0;
  // As recorded when it was stored (S3) or recognised at upload; empty when the backend keeps none.
  std::string content_type;
};

// One object of a listing.
struct ListedObject {
  std::string key;
  uint64_t size = 0;
};

// Receives a block of bytes; returns false to stop.
using ByteSink = std::function<bool(const char* data, size_t n)>;

class BlobStore {
 public:
  // Upload spool files live in `spool` (created on demand); those that no live upload holds are removed.
  // Uploads leave at least `min_free_bytes` free on the spool's disk.
  BlobStore(std::filesystem::path spool, uint64_t min_free_bytes);
  virtual ~BlobStore() = default;
  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;

  class Upload {
   public:
    ~Upload();  // removes what is left of the spool file
    Upload(Upload&&) = default;
    // Throws yv::Error "disk_full" (507) when the bytes would take the disk below the reserve or the disk
    // refuses them, "storage_error" (507) for other failures to write.
    void write(const char* data, size_t n);
    uint64_t size() const { return size_; }
    // Makes the object visible under bucket/key, replacing any earlier one; the answer carries the content
    // type recognised from the first bytes written and the key (storage/content_type.h). Throws yv::Error
    // "invalid_path" (400) for bad names, "storage_error" (507/502) when the backend fails.
    ObjectInfo commit(const std::string& bucket, const std::string& key);

   private:
    friend class BlobStore;
    // A descriptor of the spool file holding its flock, closed (so unlocked) with the upload.
    struct Lock {
      int fd = -1;
      explicit Lock(int held) : fd(held) {}
      Lock(Lock&& other) noexcept : fd(std::exchange(other.fd, -1)) {}
      ~Lock();
    };
    Upload(const BlobStore& store, std::filesystem::path temp);
    const BlobStore* store_;
    std::filesystem::path temp_;
    Lock lock_;
    std::ofstream out_;
    uint64_t size_ = 0;
    uint64_t unchecked_ = 0;  // bytes written since the free space was last looked at
    std::string head_;        // the first bytes written (up to 64), to recognise the content type
  };

  // A new upload of `expected_bytes` (0: not known in advance). Throws yv::Error "disk_full" (507) when the
  // spool's disk has less than the reserve plus expected_bytes free, "storage_error" (507) when the spool
  // file cannot be created. Error details never name the server's paths (the log does).
  Upload begin_upload(uint64_t expected_bytes = 0) const;

  // The spool folder (resumable upload sessions keep their parts beside the spool files:
  // resumable_uploads.h).
  const std::filesystem::path& spool() const { return spool_; }
  // Throws yv::Error "disk_full" (507) unless `bytes` more would leave the reserve free on the spool's disk.
  void check_room(uint64_t bytes) const;
  // Makes a complete file on the spool's disk the object bucket/key, as an upload's commit does (the content
  // type recognised from its first bytes and the key). The file may be consumed; the caller removes what is
  // left. Throws as Upload::commit.
  ObjectInfo commit_spooled(const std::filesystem::path& file, const std::string& bucket,
                            const std::string& key) const;

  // The object, or nothing when absent. Throws yv::Error "invalid_path" (400) for invalid names.
  virtual std::optional<ObjectInfo> stat(const std::string& bucket, const std::string& key) const = 0;
  // Streams bytes [offset, offset + length) of the object to `sink`; false when the sink stopped early or the
  // object ended first. Throws "file_not_found" (404) when absent.
  virtual bool read(const std::string& bucket, const std::string& key, uint64_t offset, uint64_t length,
                    const ByteSink& sink) const = 0;
  // Removes one object; false when it was absent.
  virtual bool remove(const std::string& bucket, const std::string& key) const = 0;
  // Removes every object under prefix/; returns how many were removed (0 when none).
  virtual uint64_t remove_folder(const std::string& bucket, const std::string& prefix) const = 0;
  // The objects whose keys start with `prefix` (a string prefix, as in S3; empty: all), in key order, at most
  // `max`; `truncated` is set when more exist. Throws "invalid_path" (400) for an invalid bucket or a prefix
  // that could never name a key ("..", "//", a leading '/').
  virtual std::vector<ListedObject> list(const std::string& bucket, const std::string& prefix, size_t max,
                                         bool& truncated) const = 0;
  // A URL that lets anyone GET the object for a while without credentials, when the backend offers one.
  virtual std::optional<std::string> presigned_url(const std::string& bucket, const std::string& key) const;
  // Whether objects are local files (the local store), so that nodes can use them in place.
  virtual bool local() const { return false; }
  // The object's own file when the backend keeps objects as local files (the local store); nothing otherwise.
  // Throws "invalid_path" (400) for invalid names.
  virtual std::optional<std::filesystem::path> local_file(const std::string& bucket,
                                                          const std::string& key) const;

  // Stores a copy of a local file as bucket/key (streamed, like an upload).
  ObjectInfo put_file(const std::filesystem::path& file, const std::string& bucket,
                      const std::string& key) const;
  // Writes the object to a local file (replacing it). Throws "file_not_found" (404) when absent.
  void get_file(const std::string& bucket, const std::string& key, const std::filesystem::path& file) const;

 protected:
  // Moves a complete spool file into bucket/key; `type` is its content type, for backends that record one.
  // The file may be consumed; the caller removes what is left.
  virtual ObjectInfo commit_file(const std::filesystem::path& file, uint64_t size, const std::string& type,
                                 const std::string& bucket, const std::string& key) const = 0;

 private:
  // Bytes free on the spool's disk for an unprivileged writer.
  uint64_t free_bytes() const;

  std::filesystem::path spool_;
  uint64_t min_free_bytes_;
};

}  // namespace yv::storage

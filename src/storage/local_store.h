// The embedded object store: objects as files under <root>/<bucket>/<key> (root: storage_root()).
//
// Uploads stream into a private temporary file and appear by rename only when complete, so a reader never
// sees a partial object, an interrupted upload leaves nothing behind, and concurrent uploads to one key end
// with one of them whole. Every path is built from validated bucket and key names and checked, after
// resolving symlinks, to stay inside its bucket, so a link planted in the store cannot lead outside it.
// The S3 backend and the BlobStore interface over both come with the storage issue.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace yv::storage {

struct ObjectInfo {
  std::filesystem::path path;
  uint64_t size = 0;
  std::string etag;  // quoted, changes whenever the object is replaced
  double modified = 0;
};

class LocalStore {
 public:
  explicit LocalStore(std::filesystem::path root);

  class Upload {
   public:
    ~Upload();  // removes the temporary file unless committed
    Upload(Upload&&) = default;
    // Throws yv::Error "storage_error" (507) when the disk refuses the bytes.
    void write(const char* data, size_t n);
    uint64_t size() const { return size_; }
    // The first bytes written (up to 64), to recognise the content type.
    const std::string& head() const { return head_; }
    // Makes the object visible under bucket/key, replacing any earlier one. REQUIRES: names validated.
    ObjectInfo commit(const std::string& bucket, const std::string& key);

   private:
    friend class LocalStore;
    Upload(const LocalStore& store, std::filesystem::path temp);
    const LocalStore* store_;
    std::filesystem::path temp_;
    std::ofstream out_;
    uint64_t size_ = 0;
    std::string head_;
    bool committed_ = false;
  };

  Upload begin_upload() const;

  // The object, or nothing when absent. Throws yv::Error "invalid_path" (400) for names that are invalid or
  // resolve outside their bucket.
  std::optional<ObjectInfo> stat(const std::string& bucket, const std::string& key) const;
  // Removes one object; false when it was absent.
  bool remove(const std::string& bucket, const std::string& key) const;
  // Removes a folder of objects (all keys under prefix/); returns how many files were removed (0 when
  // absent).
  uint64_t remove_folder(const std::string& bucket, const std::string& prefix) const;

 private:
  // root/bucket/key, checked as described above.
  std::filesystem::path object_path(const std::string& bucket, const std::string& key) const;

  std::filesystem::path root_;
};

}  // namespace yv::storage

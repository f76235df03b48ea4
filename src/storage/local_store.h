// The embedded object store: objects as files under <root>/<bucket>/<key> (root: storage_root()).
//
// Uploads appear by rename (blob_store.h). Every path is built from validated bucket and key names and
// checked, after resolving symlinks, to stay inside its bucket, so a link planted in the store cannot lead
// outside it.
#pragma once

#include <filesystem>
#include <string>

#include "storage/blob_store.h"

namespace yv::storage {

class LocalStore : public BlobStore {
 public:
  // Uploads leave min_free_bytes free on the disk of root (blob_store.h).
  explicit LocalStore(std::filesystem::path root, uint64_t min_free_bytes = 0);

  std::optional<ObjectInfo> stat(const std::string& bucket, const std::string& key) const override;
  bool read(const std::string& bucket, const std::string& key, uint64_t offset, uint64_t length,
            const ByteSink& sink) const override;
  bool remove(const std::string& bucket, const std::string& key) const override;
  uint64_t remove_folder(const std::string& bucket, const std::string& prefix) const override;
  std::vector<ListedObject> list(const std::string& bucket, const std::string& prefix, size_t max,
                                 bool& truncated) const override;
  bool local() const override { return true; }
  std::optional<std::filesystem::path> local_file(const std::string& bucket,
                                                  const std::string& key) const override {
    return object_path(bucket, key);
  }

  // root/bucket/key, checked as described above (whether or not it exists). Throws "invalid_path" (400).
  std::filesystem::path object_path(const std::string& bucket, const std::string& key) const;

 protected:
  ObjectInfo commit_file(const std::filesystem::path& file, uint64_t size, const std::string& type,
                         const std::string& bucket, const std::string& key) const override;

 private:
  std::filesystem::path root_;
};

}  // namespace yv::storage

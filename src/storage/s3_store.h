// Objects in any S3-compatible service (AWS S3, MinIO, Ceph, moto), over libcurl with our SigV4 (sigv4.h).
//
// Path-style URLs (<endpoint>/<bucket>/<key>), which every S3-compatible server accepts. Uploads stream from
// the spool file (blob_store.h): one PUT up to 64 MiB, a multipart upload of 64 MiB parts above that (S3
// allows 10,000 parts: objects up to 625 GiB), so memory never holds more than a buffer. A bucket that does
// not exist yet is created on first upload. Reads are ranged GETs streamed to the caller; a folder is removed
// by listing its prefix (ListObjectsV2, 1,000 keys a page) and deleting each object. Presigned GET URLs are
// offered when presign_seconds > 0.
#pragma once

#include <functional>
#include <string>

#include "storage/blob_store.h"
#include "storage/sigv4.h"

namespace yv::storage {

struct S3Config {
  std::string endpoint;  // "http://127.0.0.1:9000" or "https://s3.eu-west-1.amazonaws.com"
  Credentials credentials;
  int presign_seconds = 0;  // 0: download_url points at our own download route
  // scheme://host[:port] that clients reach the store by, for presigned URLs (empty: the endpoint). Behind
  // docker-compose the endpoint is http://minio:9000, a name only the containers resolve.
  std::string public_endpoint;
  uint64_t part_size = 64 << 20;  // multipart above this size, in parts of this size
};

class S3Store : public BlobStore {
 public:
  // Uploads leave min_free_bytes free on the disk of the (local) spool folder (blob_store.h).
  S3Store(S3Config config, std::filesystem::path spool, uint64_t min_free_bytes = 0);

  std::optional<ObjectInfo> stat(const std::string& bucket, const std::string& key) const override;
  bool read(const std::string& bucket, const std::string& key, uint64_t offset, uint64_t length,
            const ByteSink& sink) const override;
  bool remove(const std::string& bucket, const std::string& key) const override;
  uint64_t remove_folder(const std::string& bucket, const std::string& prefix) const override;
  std::vector<ListedObject> list(const std::string& bucket, const std::string& prefix, size_t max,
                                 bool& truncated) const override;
  std::optional<std::string> presigned_url(const std::string& bucket, const std::string& key) const override;

 protected:
  ObjectInfo commit_file(const std::filesystem::path& file, uint64_t size, const std::string& type,
                         const std::string& bucket, const std::string& key) const override;

 private:
  struct Request;
  struct Response;
  // Sends the request, again (up to three more times, with back-off) when the store answers 500, 502, 503 or
  // 504, as S3 clients do: those mean "try again" (SlowDown, InternalError, a proxy between restarts).
  Response send(const Request& request) const;
  Response send_once(const Request& request) const;
  // Calls `each` for every object under `prefix` (ListObjectsV2, 1,000 keys a page) until it returns false;
  // false when it was stopped.
  bool for_each_listed(const std::string& bucket, const std::string& prefix,
                       const std::function<bool(ListedObject)>& each) const;
  // `type` is stored as the object's Content-Type.
  void put_file(const std::string& bucket, const std::string& key, const std::filesystem::path& file,
                uint64_t size, const std::string& type) const;
  void put_multipart(const std::string& bucket, const std::string& key, const std::filesystem::path& file,
                     uint64_t size, const std::string& type) const;

  S3Config config_;
  std::string scheme_host_;                       // "http://127.0.0.1:9000"
  std::string host_;                              // "127.0.0.1:9000", the signed Host header
  std::string public_scheme_host_, public_host_;  // the same for presigned URLs
};

}  // namespace yv::storage

// Resumable uploads (docs/architecture.md, "Resumable uploads"): a session announces an object's name and
// size, receives its bytes over any number of requests, each appended at the offset the session has reached,
// and becomes an ordinary object once complete. A client whose connection dropped, or whose page reloaded,
// asks for the offset and sends the rest.
//
// Crash-safe like single uploads (blob_store.h): a session is two files in <spool>/sessions/, <id>.json
// (bucket, key, size; written once, by rename) and <id>.part (the bytes received, appended and synced to disk
// at the end of every request). The offset is the part file's length and nothing else records progress, so
// the two cannot disagree: bytes of a request cut short are kept up to where they arrived, also across a
// killed server. Completing hands the part file to the backend as an upload's spool file is handed (rename on
// the local store; one PUT or an S3 multipart upload of its parts), so a reader never sees a partial object.
// One request at a time writes to a session: it holds an flock on the part file, and a second one (a client
// retrying while its dropped request is still being read) is refused rather than interleaved. A session not
// written to for `ttl_seconds` expires: it answers as an unknown one and its files are removed.
//
// Sessions live on the disk of the gateway that created them (the spool folder), as spool files do: gateways
// behind a balancer share the folder or keep an upload's requests on one gateway (the id is in the path).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "storage/blob_store.h"

namespace yv::storage {

struct UploadSession {
  std::string id;  // a UUID: unguessable, and safe as a file name
  std::string bucket, key;
  uint64_t size = 0;    // announced at creation
  uint64_t offset = 0;  // bytes received so far
  double expires_at = 0;
};

// Reads a request's body into `sink` until it ends or the sink refuses; true when the whole body arrived.
using BodyReader = std::function<bool(const ByteSink& sink)>;

class ResumableUploads {
 public:
  // REQUIRES: store outlives this. Removes the sessions that expired while no server ran.
  ResumableUploads(const BlobStore& store, uint64_t max_bytes, double ttl_seconds);

  // Throws yv::Error "invalid_path" (400) for invalid names, "payload_too_large" (413) above max_bytes,
  // "disk_full" (507) when the size would take the spool's disk below its reserve.
  UploadSession create(const std::string& bucket, const std::string& key, uint64_t size) const;
  // Throws "upload_not_found" (404) for an unknown, expired or completed session.
  UploadSession find(const std::string& id) const;
  // Appends a body of `length` bytes at `offset`. Throws "upload_not_found" (404), "upload_busy" (409) while
  // another request writes to it, "upload_offset_mismatch" (409) unless offset is the session's offset,
  // "payload_too_large" (413) when the body would pass the announced size, "disk_full"/"storage_error"
  // (507); "incomplete_upload" (400) when the body was cut short (what arrived is kept: ask for the offset).
  UploadSession append(const std::string& id, uint64_t offset, uint64_t length, const BodyReader& read) const;
  // Makes the received bytes the object and ends the session. Throws "upload_not_found" (404),
  // "upload_busy" (409), "upload_incomplete" (409) before every announced byte arrived, and as
  // BlobStore::commit_spooled.
  ObjectInfo complete(const std::string& id) const;
  // Ends the session and drops its bytes; false when there was none.
  bool cancel(const std::string& id) const;

 private:
  std::filesystem::path meta_file(const std::string& id) const;
  std::filesystem::path part_file(const std::string& id) const;
  // Removes the expired sessions that no request holds.
  void sweep() const;

  const BlobStore& store_;
  std::filesystem::path folder_;
  uint64_t max_bytes_;
  double ttl_seconds_;
};

}  // namespace yv::storage

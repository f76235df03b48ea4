// API keys at work (docs/architecture.md, "API keys"): who may send a request, and what each key may see.
//
// Two checks, at the two points where their facts are known:
//   - admit(), on the request head in the connection loop, before any body is read: a key is present, known
//     and not revoked (401), holds the route's scope (403, auth_policy.h), and is within its rate and
//     upload limits (429 with Retry-After, auth_limits.h);
//   - the RouteGuard around each handler (router.h), once the body is read: a key that is not `admin` reaches
//     only the workflows, tasks and files it created (auth_owners.h). Someone else's record answers 404, as
//     one that does not exist, so ids cannot be probed. Inputs are held to the same rule: a workflow may
//     read the key's own uploads, its own workflows' and tasks' outputs, and http(s) URLs, but not local
//     paths or s3:// URIs, which could name anyone's objects. What a request creates is recorded as its
//     key's when the answer says it was created, and lists show only the key's own records.
// With keys off (no key configured) neither check does anything.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "http/auth_keys.h"
#include "http/auth_limits.h"
#include "http/auth_owners.h"
#include "http/request_head.h"
#include "http/router.h"

namespace yv::http::auth {

class AccessControl : public RouteGuard {
 public:
  AccessControl(std::unique_ptr<KeyStore> keys, std::filesystem::path owners_file);
  // Keys from KeyStore::from_environment(), owners in YIVIDEO_OWNERS_FILE, else api_key_owners.jsonl beside
  // the keys file.
  static std::shared_ptr<AccessControl> from_environment();

  bool enabled() { return keys_->enabled(); }
  KeyStore& keys() { return *keys_; }

  // The refusal for a request head, or nullopt to let it through. `transfer`: the route streams its body
  // (its Content-Length counts towards the upload limit).
  std::optional<Refusal> admit(const RequestHead& head, bool transfer);

  void before(const RouteDoc& route, const httplib::Request& req) override;
  void after(const RouteDoc& route, const httplib::Request& req, httplib::Response& res) override;
  void check_object_write(const httplib::Request& req, const std::string& bucket,
                          const std::string& key) override;

 private:
  // The key of a request that admit() let through; nullopt when keys are off or the route is public.
  std::optional<KeyRecord> caller(const httplib::Request& req);
  bool owns(const KeyRecord& key, const std::string& kind, const std::string& id);
  // For an object in a workflow's or task's folder (workflows/<id>/..., tasks/<id>/...), whether `caller`
  // owns that workflow or task; nullopt for any other object.
  std::optional<bool> owns_folder(const KeyRecord& caller, const std::string& name);
  // Throws "file_not_found" (404) unless `key` may read the object.
  void check_object_read(const KeyRecord& caller, const std::string& bucket, const std::string& key);
  // A file listing keeps only the objects the caller may read: names of others' files are not told.
  void keep_own_files(const httplib::Request& req, httplib::Response& res);
  // Checks every input file named in a submitted body (parameters named *_path or *_file).
  void check_inputs(const KeyRecord& caller, const nlohmann::json& body);

  std::unique_ptr<KeyStore> keys_;
  KeyLimits limits_;
  Owners owners_;
};

}  // namespace yv::http::auth

// API keys: who may call the API, with which scopes and limits (docs/architecture.md, "API keys").
//
// Keys live in one JSON file on the server (YIVIDEO_KEYS_FILE, default <data dir>/api_keys.json, mode 0600),
// written by `yivideo keys` and the /v1/keys routes and read by every gateway that shares it; a gateway sees
// another's change within a second (the file is checked for a new version at most once a second, never per
// request). The state store is left alone: keys are configuration of the gateways, not state of the work.
//
// Only a key's SHA-256 is stored. A key is 256 random bits, so its hash cannot be reversed or guessed,
// and a deliberately slow hash (bcrypt, argon2), which protects low-entropy passwords, would add
// milliseconds to every request for no gain. The key is shown once, when it is created.
//
// YIVIDEO_ADMIN_KEY adds one admin key from the environment (never written to the file), for deployments
// configured by environment alone (deploy/docker-compose.yml).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/auth_policy.h"

namespace yv::http::auth {

// One key as stored (never the key itself).
struct KeyRecord {
  std::string id;  // "key_<12 hex>": names the key in lists, logs and as the owner of what it creates
  std::string name;
  std::string sha256;   // hex SHA-256 of the key
  unsigned scopes = 0;  // auth_policy.h bits
  double created_at = 0;
  std::optional<double> revoked_at;
  double requests_per_second = 0;      // sustained rate, bursts of one second's worth; 0: no limit
  uint64_t upload_bytes_per_hour = 0;  // bytes of request bodies sent to transfer routes; 0: no limit
};

class KeyStore {
 public:
  // `file`: the keys file (it need not exist). `env_key`: an admin key from the environment, or empty.
  // Throws yv::Error "invalid_config" when env_key is shorter than 32 characters (too guessable) or the
  // file is malformed.
  KeyStore(std::filesystem::path file, std::string env_key);
  // The file from YIVIDEO_KEYS_FILE (else <data dir>/api_keys.json) and YIVIDEO_ADMIN_KEY.
  static std::unique_ptr<KeyStore> from_environment();

  // Whether keys are on: the environment key is set or the file holds any key (a revoked one too, so that
  // revoking the last key never opens the API to everyone).
  bool enabled();
  // The active key whose SHA-256 is that of `presented`, or nullopt. Thread-safe.
  std::optional<KeyRecord> identify(std::string_view presented);

  struct Created {
    KeyRecord record;
    std::string key;  // "yv_<64 hex>": shown once
  };
  // Adds a key. Throws yv::Error "invalid_scope" (400) for no scopes, "invalid_request" (400) for a name
  // longer than 100 characters, "storage_error" (507) when the file cannot be written.
  Created create(const std::string& name, unsigned scopes, double requests_per_second,
                 uint64_t upload_bytes_per_hour);
  const std::filesystem::path& file() const { return file_; }
  // Every stored key, oldest first.
  std::vector<KeyRecord> list();
  // Marks the key revoked. Throws yv::Error "key_not_found" (404).
  KeyRecord revoke(const std::string& id);

 private:
  struct Snapshot {
    std::vector<KeyRecord> keys;
    std::unordered_map<std::string, size_t> by_hash;  // hex SHA-256 -> index into keys
    std::filesystem::file_time_type version{};
  };
  // The file's current content; re-read when it changed, checked at most once a second unless `now`.
  std::shared_ptr<const Snapshot> snapshot(bool now);
  std::shared_ptr<Snapshot> load() const;
  void save(const Snapshot& s) const;

  std::filesystem::path file_;
  std::optional<std::pair<std::string, KeyRecord>> env_key_;  // (hash, record)
  std::mutex mutex_;
  std::shared_ptr<const Snapshot> current_;
  std::chrono::steady_clock::time_point checked_{};
};

// The hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

// The key a request presents: `Authorization: Bearer <key>`, else `X-API-Key: <key>`; empty when none.
std::string_view presented_key(std::optional<std::string_view> authorization,
                               std::optional<std::string_view> x_api_key);

}  // namespace yv::http::auth

#include "http/auth_keys.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/files.h"
#include "core/paths.h"
#include "store/job_queue.h"

namespace yv::http::auth {
namespace {

using nlohmann::json;

constexpr auto kRecheck = std::chrono::seconds(1);

std::string hex(const unsigned char* bytes, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  if (RAND_bytes(b.data(), int(b.size())) != 1)
    throw Error("internal_error", "the system's random number generator failed", 500);
  return hex(b.data(), b.size());
}

json to_json(const KeyRecord& k) {
  return {{"id", k.id},
          {"name", k.name},
          {"sha256", k.sha256},
          {"scopes", scope_names(k.scopes)},
          {"created_at", k.created_at},
          {"revoked_at", k.revoked_at ? json(*k.revoked_at) : json(nullptr)},
          {"requests_per_second", k.requests_per_second},
          {"upload_bytes_per_hour", k.upload_bytes_per_hour}};
}

KeyRecord from_json(const json& j) {
  KeyRecord k;
  k.id = j.at("id");
  k.name = j.value("name", "");
  k.sha256 = j.at("sha256");
  k.scopes = parse_scopes(j.at("scopes").get<std::vector<std::string>>());
  k.created_at = j.value("created_at", 0.0);
  if (j.contains("revoked_at") && !j["revoked_at"].is_null()) k.revoked_at = j["revoked_at"].get<double>();
  k.requests_per_second = j.value("requests_per_second", 0.0);
  k.upload_bytes_per_hour = j.value("upload_bytes_per_hour", uint64_t(0));
  return k;
}

// Serialises the read-modify-write of the keys file between processes (the CLI beside a running server).
class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& file) {
    std::filesystem::create_directories(file.parent_path());
    fd_ = ::open((file.string() + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0 || flock(fd_, LOCK_EX) != 0)
      throw Error("storage_error", "cannot lock " + file.string() + ".lock", 507);
  }
  ~FileLock() { ::close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  return hex(digest, length);
}

std::string_view presented_key(std::optional<std::string_view> authorization,
                               std::optional<std::string_view> x_api_key) {
  if (authorization) {
    std::string_view v = *authorization;
    if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) return v.substr(7);
  }
  return x_api_key.value_or(std::string_view());
}

KeyStore::KeyStore(std::filesystem::path file, std::string env_key) : file_(std::move(file)) {
  if (!env_key.empty()) {
    if (env_key.size() < 32)
      throw Error("invalid_config",
                  "YIVIDEO_ADMIN_KEY must be at least 32 characters (openssl rand -hex 32)");
    KeyRecord admin;
    admin.id = "key_environment";
    admin.name = "YIVIDEO_ADMIN_KEY";
    admin.sha256 = sha256_hex(env_key);
    admin.scopes = kAdmin;
    env_key_ = {admin.sha256, admin};
  }
  current_ = load();
  checked_ = std::chrono::steady_clock::now();
}

std::unique_ptr<KeyStore> KeyStore::from_environment() {
  const char* file = std::getenv("YIVIDEO_KEYS_FILE");
  const char* env_key = std::getenv("YIVIDEO_ADMIN_KEY");
  return std::make_unique<KeyStore>(
      file && *file ? std::filesystem::path(file) : data_dir() / "api_keys.json", env_key ? env_key : "");
}

std::shared_ptr<KeyStore::Snapshot> KeyStore::load() const {
  auto s = std::make_shared<Snapshot>();
  std::error_code ec;
  s->version = std::filesystem::last_write_time(file_, ec);
  if (ec) {  // no file: no stored keys
    s->version = {};
    return s;
  }
  try {
    const json stored = json::parse(read_file(file_));
    for (const json& k : stored.at("keys")) s->keys.push_back(from_json(k));
  } catch (const json::exception& e) {
    throw Error("invalid_config", file_.string() + " is not a keys file: " + e.what());
  }
  for (size_t i = 0; i < s->keys.size(); ++i) s->by_hash[s->keys[i].sha256] = i;
  return s;
}

void KeyStore::save(const Snapshot& s) const {
  json keys = json::array();
  for (const auto& k : s.keys) keys.push_back(to_json(k));
  // Hashes only, but still nobody else's business: the file is created readable by its owner alone.
  const std::string partial = file_.string() + ".partial";
  const int fd = ::open(partial.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  const std::string text = json{{"keys", keys}}.dump(2) + "\n";
  const bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  if (fd >= 0) ::close(fd);
  std::error_code ec;
  if (written) std::filesystem::rename(partial, file_, ec);
  if (!written || ec) throw Error("storage_error", "cannot write " + file_.string(), 507);
}

std::shared_ptr<const KeyStore::Snapshot> KeyStore::snapshot(bool now) {
  std::lock_guard lock(mutex_);
  const auto t = std::chrono::steady_clock::now();
  if (now || t - checked_ >= kRecheck) {
    checked_ = t;
    std::error_code ec;
    const auto version = std::filesystem::last_write_time(file_, ec);
    if ((ec ? std::filesystem::file_time_type{} : version) != current_->version) current_ = load();
  }
  return current_;
}

bool KeyStore::enabled() { return env_key_ || !snapshot(false)->keys.empty(); }

std::optional<KeyRecord> KeyStore::identify(std::string_view presented) {
  if (presented.empty()) return std::nullopt;
  const std::string hash = sha256_hex(presented);
  // A lookup by hash reveals nothing through its timing: the hash of a guess says nothing about the key.
  if (env_key_ && env_key_->first == hash) return env_key_->second;
  const auto s = snapshot(false);
  const auto it = s->by_hash.find(hash);
  if (it == s->by_hash.end() || s->keys[it->second].revoked_at) return std::nullopt;
  return s->keys[it->second];
}

KeyStore::Created KeyStore::create(const std::string& name, unsigned scopes, double requests_per_second,
                                   uint64_t upload_bytes_per_hour) {
  if (!scopes) parse_scopes({});  // throws invalid_scope
  if (name.size() > 100) throw Error("invalid_request", "the key's name is longer than 100 characters", 400);
  if (requests_per_second < 0) throw Error("invalid_request", "requests_per_second must be 0 or more", 400);
  const FileLock lock(file_);
  Snapshot s = *load();
  Created c;
  c.key = "yv_" + random_hex(32);
  c.record.id = "key_" + random_hex(6);
  c.record.name = name;
  c.record.sha256 = sha256_hex(c.key);
  c.record.scopes = scopes;
  c.record.created_at = store::wall_clock();
  c.record.requests_per_second = requests_per_second;
  c.record.upload_bytes_per_hour = upload_bytes_per_hour;
  s.keys.push_back(c.record);
  save(s);
  snapshot(true);
  return c;
}

std::vector<KeyRecord> KeyStore::list() { return snapshot(true)->keys; }

KeyRecord KeyStore::revoke(const std::string& id) {
  const FileLock lock(file_);
  Snapshot s = *load();
  for (auto& k : s.keys) {
    if (k.id != id) continue;
    if (!k.revoked_at) k.revoked_at = store::wall_clock();
    save(s);
    snapshot(true);
    return k;
  }
  throw Error("key_not_found", "no API key " + id, 404);
}

}  // namespace yv::http::auth

// Which API key created each workflow, task and uploaded file, so that a key sees only its own (API keys:
// docs/architecture.md).
//
// An append-only file of JSON lines (YIVIDEO_OWNERS_FILE, default beside the keys file), one line per
// record created: ["workflow"|"task"|"file", id, key_id]. Lines are appended with O_APPEND in one write, so
// gateways sharing the file never interleave them, and a gateway reads what others appended when it meets an
// id it does not know. The owner is a key id, never the key. Kept out of the state store, whose contract
// the records of work are not changed for: ownership matters only to the gateways.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace yv::http::auth {

class Owners {
 public:
  explicit Owners(std::filesystem::path file);

  // Records `key_id` as the owner of (kind, id) unless it has one. Throws yv::Error "storage_error" (507)
  // when the file cannot be written.
  void record(const std::string& kind, const std::string& id, const std::string& key_id);
  // The key id that owns (kind, id), or nullopt when none is recorded.
  std::optional<std::string> owner(const std::string& kind, const std::string& id);

 private:
  // Reads lines appended since the last read (by this or another gateway). REQUIRES: mutex_ held.
  void catch_up();

  std::filesystem::path file_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> owners_;  // "<kind> <id>" -> key id
  uint64_t read_to_ = 0;                                 // bytes of the file already read
};

}  // namespace yv::http::auth

// Per-key request rate and upload volume (API keys: docs/architecture.md), enforced before a request is
// read, so a key over its limit costs the server one head and a 429.
//
// Counters are kept in this gateway's memory: they restart with it, and each gateway of a scale-out
// deployment counts its own share, which is what a limit meant to protect one gateway needs.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/auth_keys.h"

namespace yv::http::auth {

class KeyLimits {
 public:
  using Clock = std::chrono::steady_clock;

  // Counts one request of `key` (and `upload_bytes` it announces for a transfer route). Returns nullopt when
  // it is within the key's limits, else the whole seconds until it would be (for Retry-After), and then
  // counts nothing. The rate is a token bucket holding one second's worth of requests; uploads are counted
  // in hours that start with a key's first upload.
  std::optional<int> admit(const KeyRecord& key, uint64_t upload_bytes, Clock::time_point now = Clock::now());

 private:
  struct Usage {
    double tokens = -1;  // < 0: not yet used
    Clock::time_point refilled;
    uint64_t uploaded = 0;
    Clock::time_point upload_window;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Usage> usage_;  // by key id
};

}  // namespace yv::http::auth

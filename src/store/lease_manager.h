// Leases on shared devices: `gpu_lock:<n>` (api-contract.md §6), one holder at a time, with fencing tokens.
//
// A worker takes the lease of its GPU before running a GPU node, renews it with its heartbeat and releases
// it when the node ends. A lease lapses when it is not renewed within its ttl (the holder died), and the next
// acquire takes it. Every acquisition issues a larger token than any before on that key; renew() and
// release() only act while the caller's token is the current one, so a holder whose lease lapsed, or was
// released by an operator (force_release), learns it at its next renewal and stops. Each acquisition,
// release, lapse and forced release is kept in the key's history (newest first, the last 100).
//
// Implementations: store/sqlite/sqlite_lease_manager.h and store/redis/redis_lease_manager.h, one suite
// (tests/unit/lease_manager_test.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace yv::store {

struct Lease {
  std::string key;        // "gpu_lock:0"
  std::string holder;     // worker name
  std::string task_name;  // what runs under it (a node name)
  int64_t token = 0;      // fencing token
  double acquired_at = 0, expires_at = 0;
};

struct LeaseEvent {
  double at = 0;
  std::string event;  // acquired | released | expired | forced
  std::string holder, task_name;
  int64_t token = 0;
};

class LeaseManager {
 public:
  virtual ~LeaseManager() = default;

  // Takes `key` for `holder` for ttl seconds when it is free or its lease lapsed; nothing when another
  // holder has it.
  virtual std::optional<Lease> acquire(const std::string& key, const std::string& holder,
                                       const std::string& task_name, double ttl_seconds) = 0;
  // Extends the lease to ttl seconds from now. False, changing nothing, when it is no longer this lease.
  virtual bool renew(const Lease& lease, double ttl_seconds) = 0;
  // Gives the lease back. False, changing nothing, when it was no longer this lease.
  virtual bool release(const Lease& lease) = 0;
  // Operator override: releases whoever holds `key` (fencing it). Returns the lease it ended, if any.
  virtual std::optional<Lease> force_release(const std::string& key) = 0;

  // The lease in force on `key`, if any (a lapsed one is not).
  virtual std::optional<Lease> current(const std::string& key) = 0;
  // The newest `limit` events of `key`.
  virtual std::vector<LeaseEvent> history(const std::string& key, int limit) = 0;
  // Every key ever leased.
  virtual std::vector<std::string> keys() = 0;
};

}  // namespace yv::store

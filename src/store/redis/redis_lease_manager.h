// LeaseManager on Redis: a hash per key (<p>lease:<key>: holder, task_name, token, acquired_at, expires_at),
// its history as a capped list (<p>lease_events:<key>, JSON, newest first) and the set of keys
// (<p>lease_keys). Each operation is one Lua script, so the token check and the change are one step.
#pragma once

#include <functional>
#include <mutex>

#include "store/job_queue.h"
#include "store/lease_manager.h"
#include "store/redis/redis_client.h"

namespace yv::store {

class RedisLeaseManager final : public LeaseManager {
 public:
  // url: "redis://host:port[/db]". Throws yv::Error "state_unavailable" (503).
  explicit RedisLeaseManager(const std::string& url, std::function<double()> clock = wall_clock,
                             std::string prefix = "yv:");

  std::optional<Lease> acquire(const std::string& key, const std::string& holder,
                               const std::string& task_name, double ttl_seconds) override;
  bool renew(const Lease& lease, double ttl_seconds) override;
  bool release(const Lease& lease) override;
  std::optional<Lease> force_release(const std::string& key) override;
  std::optional<Lease> current(const std::string& key) override;
  std::vector<LeaseEvent> history(const std::string& key, int limit) override;
  std::vector<std::string> keys() override;

 private:
  redis::Reply run(const char* body, std::vector<std::string> args);

  std::mutex mutex_;  // one connection, used by one thread at a time
  redis::Client client_;
  std::function<double()> clock_;
  std::string prefix_;
};

}  // namespace yv::store

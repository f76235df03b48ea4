// LeaseManager on the embedded SQLite database (tables `leases` and `lease_events`): each operation is one
// IMMEDIATE transaction on the manager's own connection.
#pragma once

#include <functional>
#include <mutex>

#include "store/job_queue.h"
#include "store/lease_manager.h"
#include "store/sqlite/database.h"

namespace yv::store {

class SqliteLeaseManager final : public LeaseManager {
 public:
  explicit SqliteLeaseManager(const std::string& path, std::function<double()> clock = wall_clock);

  std::optional<Lease> acquire(const std::string& key, const std::string& holder,
                               const std::string& task_name, double ttl_seconds) override;
  bool renew(const Lease& lease, double ttl_seconds) override;
  bool release(const Lease& lease) override;
  std::optional<Lease> force_release(const std::string& key) override;
  std::optional<Lease> current(const std::string& key) override;
  std::vector<LeaseEvent> history(const std::string& key, int limit) override;
  std::vector<std::string> keys() override;

 private:
  // The row of `key` when it names a holder (lapsed or not). REQUIRES: mutex_ held.
  std::optional<Lease> held(const std::string& key);
  void log(const std::string& event, const Lease& lease, double at);
  // Frees the row of `key`, logging `event` for `lease`.
  void free(const Lease& lease, const std::string& event, double at);

  std::mutex mutex_;
  sqlite::Database db_;
  std::function<double()> clock_;
};

}  // namespace yv::store

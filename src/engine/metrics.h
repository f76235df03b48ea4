// GET /metrics: Prometheus text exposition of the engine's state, read from the state database at scrape
// time (so every gateway reports the same numbers): queue depth per queue and state, runs and failures per
// node, durations of completed runs per node, workflows and callbacks per status. GPU lease state arrives
// with the leases themselves (scale-out issue).
#pragma once

#include <mutex>
#include <string>

#include "store/sqlite/database.h"

namespace yv::engine {

class Metrics {
 public:
  // Opens its own connection to the database file.
  explicit Metrics(const std::string& db_path);

  // The exposition (text format 0.0.4).
  std::string render();

 private:
  std::mutex mutex_;
  sqlite::Database db_;
};

}  // namespace yv::engine

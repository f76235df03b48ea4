// GET /metrics: Prometheus text exposition of the engine's state, read from the state store at scrape
// time (so every gateway reports the same numbers): queue depth per queue and state, runs and failures per
// node, durations of completed runs per node, workflows and callbacks per status, and which GPU leases are
// held.
#pragma once

#include <string>

#include "store/state_store.h"

namespace yv::engine {

class Metrics {
 public:
  // REQUIRES: state outlives the metrics.
  explicit Metrics(store::StateStore& state) : state_(state) {}

  // The exposition (text format 0.0.4).
  std::string render();

 private:
  store::StateStore& state_;
};

}  // namespace yv::engine

// What a running attempt has finished of its output, as other processes see it while it runs.
//
// A node hands over each finished segment of its output (a transcript's segments, in order) through
// NodeRun::segment; the worker keeps the tail of them here and sends it with its next heartbeat
// (JobQueue::heartbeat's `partial`), where the events route (engine/workflow_events.h) reads it from the
// state store, whichever process it runs in. The document is {"segments": [{"index": n, ...}, ...]}, indexes
// counting from 0 over the whole run. Only the last kKeep segments are kept: the record a heartbeat rewrites
// stays small (a few KiB) however long the recording, and a reader polling several times a second never falls
// that far behind; a reader that does, or one that joins late, sees a gap in the indexes and has the whole
// transcript in the stage's output when the stage ends.
//
// Thread-safe: the node adds from its own threads while the heartbeat thread takes.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace yv::engine {

class PartialOutput {
 public:
  static constexpr size_t kKeep = 64;

  // Adds the next finished segment (an object; its "index" is set here).
  void add(nlohmann::json segment);

  // The document as JSON text when segments were added since the last call, else nothing: a heartbeat
  // sends it only when it changed.
  std::optional<std::string> take_changed();

 private:
  std::mutex mutex_;
  std::deque<nlohmann::json> tail_;
  int64_t added_ = 0;
  bool changed_ = false;
};

}  // namespace yv::engine

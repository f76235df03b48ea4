// Rendered status bodies of settled workflows, served again while the workflow's revision is unchanged.
//
// A workflow is settled when it has ended, every stage's job has ended and its callback (if any) has been
// delivered or given up. Nothing in its view can then change without a new version of its record (a retry, an
// incremental run, a cancellation), and every new version carries a later updated_at
// (StateStore::workflow_revision). So the status route reads one number instead of the record, its jobs and
// its callback, and skips building and printing the JSON: polling clients and dashboards mostly ask about
// workflows that have ended. Each gateway keeps its own cache; it is correct with several gateways because
// the revision comes from the shared state on every request (on Redis, from revisions kept until Redis
// reports a change: store/redis/revision_cache.h).
//
// Thread-safe. Holds at most `max_bytes` of bodies (a view carries its stages' outputs, an hour's transcript
// text among them, so the bound is in bytes, not entries); the entry kept first goes first.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace yv::engine {

class ViewCache {
 public:
  explicit ViewCache(size_t max_bytes = size_t{32} << 20) : max_bytes_(max_bytes) {}

  // Whether a body of workflow `id` is kept, at any revision: only then is its revision worth reading.
  bool holds(const std::string& id) const;

  // The body kept for workflow `id` at `revision`, if any.
  std::shared_ptr<const std::string> find(const std::string& id, double revision) const;

  // Keeps `body`, the view of workflow `id` at `revision`, replacing an older one. A body larger than a
  // quarter of the cache is not kept.
  void keep(const std::string& id, double revision, std::string body);

 private:
  struct Entry {
    double revision;
    std::shared_ptr<const std::string> body;
  };
  const size_t max_bytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::string> order_;  // ids in the order they were first kept
  size_t bytes_ = 0;               // sum of the kept bodies' sizes
};

}  // namespace yv::engine

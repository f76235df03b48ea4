// Rendered status bodies of settled workflows, served again while the workflow's revision is unchanged.
//
// A workflow is settled when it has ended, every stage's job has ended and its callback (if any) has been
// delivered or given up. Nothing in its view can then change without a new version of its record (a retry, an
// incremental run, a cancellation), and every new version carries a later updated_at
// (StateStore::workflow_revision). So the status route reads one number instead of the record, its jobs and
// its callback, and skips building and printing the JSON: polling clients and dashboards mostly ask about
// workflows that have ended. Each gateway keeps its own cache; it is correct with several gateways because
// the revision is read from the shared state on every request.
//
// Thread-safe. Holds at most `capacity` bodies; the oldest entry goes first.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace yv::engine {

class ViewCache {
 public:
  explicit ViewCache(size_t capacity = 4096) : capacity_(capacity) {}

  // The body kept for workflow `id` at `revision`, if any.
  std::shared_ptr<const std::string> find(const std::string& id, double revision) const;

  // Keeps `body`, the view of workflow `id` at `revision`, replacing an older one.
  void keep(const std::string& id, double revision, std::string body);

 private:
  struct Entry {
    double revision;
    std::shared_ptr<const std::string> body;
  };
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::string> order_;  // ids in the order they were first kept
};

}  // namespace yv::engine

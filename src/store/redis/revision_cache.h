// Workflow revisions this process read from Redis, kept until Redis reports that the record changed: the
// status route's check of a settled workflow then costs no round trip (issue 23).
//
// Redis's client-side caching in broadcast mode: a connection of our own asks Redis to report every change of
// a key under <p>wf: (CLIENT TRACKING on BCAST PREFIX, redirected to itself) and subscribes to the reports
// (__redis__:invalidate); a thread reads them and forgets the revisions they name. Broadcast, because the
// revisions are read through other connections (the reader pool), which Redis would otherwise track one by
// one; its cost is a report to every process of every change to a workflow record, a few per stage.
//
// Why a kept revision is never stale for longer than a report takes to arrive: a read is kept only if it
// began while the reports were flowing and no report (of any record), forget() or loss of the connection came
// while it was in flight; while the connection is down nothing is kept or served, and the cache restarts
// empty (a connection gone quiet is asked for a PING, so one that died without a word is given up within
// 2 s). A change this process commits is forgotten at once (forget()), so it reads its own writes; another
// process's change is seen when its report arrives, a fraction of a millisecond after the commit on a local
// network.
//
// Thread-safe. The listening thread starts at the first find(), so processes that never ask (workers) hold no
// connection for it. At most kMaxEntries revisions are kept; past that all are forgotten (a miss costs a
// read).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

namespace yv::store::redis {

class RevisionCache {
 public:
  static constexpr size_t kMaxEntries = 100'000;

  // url: as redis::Client takes it; `prefix`: the keys whose changes are reported (e.g. "yv:wf:").
  RevisionCache(std::string url, std::string prefix);
  ~RevisionCache();
  RevisionCache(const RevisionCache&) = delete;
  RevisionCache& operator=(const RevisionCache&) = delete;

  // The revision kept for `key`, if any.
  std::optional<double> find(const std::string& key);
  // Taken before reading a revision from Redis, for keep().
  uint64_t ticket() const;
  // Keeps `revision`, read for `key` after ticket() gave `ticket`, unless anything that could make it stale
  // happened since.
  void keep(const std::string& key, double revision, uint64_t ticket);
  // Forgets `key`'s revision (this process changed the record) and refuses reads in flight.
  void forget(const std::string& key);

 private:
  void listen();
  // Forgets everything and refuses reads in flight; `live`: whether reports are flowing.
  void reset(bool live);

  const std::string url_;
  const std::string prefix_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, double> revisions_;
  uint64_t events_ = 0;  // reports, forgets and resets so far: a ticket is the count when a read began
  bool live_ = false;
  std::once_flag started_;
  std::atomic<bool> stopping_ = false;
  const int wake_fd_;  // an eventfd, written by the destructor to end the listener's wait
  std::thread listener_;
};

}  // namespace yv::store::redis

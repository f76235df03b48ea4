#include "store/redis/revision_cache.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/error.h"
#include "store/redis/redis_client.h"

namespace yv::store::redis {
namespace {

// Tickets taken while no reports flow: never equal to a count of events.
constexpr uint64_t kNoTicket = UINT64_MAX;

}  // namespace

RevisionCache::RevisionCache(std::string url, std::string prefix)
    : url_(std::move(url)), prefix_(std::move(prefix)), wake_fd_(eventfd(0, EFD_CLOEXEC)) {
  if (wake_fd_ < 0) throw Error("internal_error", "cannot create an eventfd", 500);
}

RevisionCache::~RevisionCache() {
  if (listener_.joinable()) {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = write(wake_fd_, &one, sizeof one);
    listener_.join();
  }
  close(wake_fd_);
}

std::optional<double> RevisionCache::find(const std::string& key) {
  std::call_once(started_, [this] { listener_ = std::thread([this] { listen(); }); });
  std::lock_guard lock(mutex_);
  const auto it = revisions_.find(key);
  if (it == revisions_.end()) return std::nullopt;
  return it->second;
}

uint64_t RevisionCache::ticket() const {
  std::lock_guard lock(mutex_);
  return live_ ? events_ : kNoTicket;
}

void RevisionCache::keep(const std::string& key, double revision, uint64_t ticket) {
  std::lock_guard lock(mutex_);
  if (ticket != events_) return;
  if (revisions_.size() >= kMaxEntries) revisions_.clear();
  revisions_[key] = revision;
}

void RevisionCache::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  ++events_;
  revisions_.erase(key);
}

void RevisionCache::reset(bool live) {
  std::lock_guard lock(mutex_);
  ++events_;
  revisions_.clear();
  live_ = live;
}

void RevisionCache::listen() {
  using Retry = Client::Retry;
  bool told = false;  // whether the operator knows that the reports stopped
  for (;;) {
    try {
      Client client(url_);
      const std::string id = std::to_string(client.command({"CLIENT", "ID"}, Retry::kNever).integer);
      client.command({"CLIENT", "TRACKING", "on", "REDIRECT", id, "BCAST", "PREFIX", prefix_}, Retry::kNever);
      client.command({"SUBSCRIBE", "__redis__:invalidate"}, Retry::kNever);
      reset(true);
      told = false;
      // Each message: ["message", "__redis__:invalidate", the changed keys, or nil when Redis was flushed].
      while (const std::optional<Reply> message = client.receive(wake_fd_)) {
        const Reply& keys = message->items.at(2);
        if (keys.type != Reply::Type::kArray) {
          reset(true);
          continue;
        }
        std::lock_guard lock(mutex_);
        ++events_;
        for (const Reply& key : keys.items) revisions_.erase(key.text);
      }
      return;  // woken by the destructor
    } catch (const std::exception& e) {
      reset(false);  // Redis is away, or refuses tracking (an ACL): try again in a second
      if (!told)
        spdlog::warn("no change reports from Redis ({}): status checks read Redis meanwhile", e.what());
      told = true;
    }
    pollfd wake{wake_fd_, POLLIN, 0};
    if (poll(&wake, 1, 1000) > 0) return;
  }
}

}  // namespace yv::store::redis

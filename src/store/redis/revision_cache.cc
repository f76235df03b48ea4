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
// How long the report connection may be quiet before it is asked for a PING.
constexpr int kQuietMs = 1000;

}  // namespace

RevisionCache::RevisionCache(std::string url, std::string prefix)
    : url_(std::move(url)), prefix_(std::move(prefix)), wake_fd_(eventfd(0, EFD_CLOEXEC)) {
  if (wake_fd_ < 0) throw Error("internal_error", "cannot create an eventfd", 500);
}

RevisionCache::~RevisionCache() {
  if (listener_.joinable()) {
    stopping_ = true;
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
      // A connection can die without a word (a host gone, a network cut): after a quiet second it is asked
      // for a PING, and if that is not answered within another, it is taken for lost.
      bool pinged = false;
      for (;;) {
        const std::optional<Reply> message = client.receive(wake_fd_, kQuietMs);
        if (stopping_) return;
        if (!message) {
          if (pinged) throw Error("state_unavailable", "Redis did not answer a PING", 503);
          client.send({"PING"});
          pinged = true;
          continue;
        }
        pinged = false;
        // ["message", "__redis__:invalidate", the changed keys or nil (Redis was flushed)], or ["pong", ""].
        if (message->items.at(0).text != "message") continue;
        const Reply& keys = message->items.at(2);
        if (keys.type != Reply::Type::kArray) {
          reset(true);
          continue;
        }
        std::lock_guard lock(mutex_);
        ++events_;
        for (const Reply& key : keys.items) revisions_.erase(key.text);
      }
    } catch (const std::exception& e) {
      reset(false);  // Redis is away, or refuses tracking (an ACL): try again in a second
      if (!told)
        spdlog::warn("no change reports from Redis ({}): status checks read Redis meanwhile", e.what());
      told = true;
    }
    pollfd wake{wake_fd_, POLLIN, 0};
    if (poll(&wake, 1, kQuietMs) > 0) return;
  }
}

}  // namespace yv::store::redis

#include "store/redis/client_pool.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "core/error.h"

namespace yv::store::redis {

size_t ClientPool::configured_size() {
  const char* v = std::getenv("YIVIDEO_REDIS_READERS");
  if (!v || !*v) return std::max(4u, 2 * std::thread::hardware_concurrency());
  const std::string_view text(v);
  size_t n = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (error != std::errc() || end != text.data() + text.size() || n == 0)
    throw Error("invalid_config", "YIVIDEO_REDIS_READERS must be a positive number");
  return n;
}

ClientPool::ClientPool(std::string url, size_t size) : url_(std::move(url)), size_(size) {}

ClientPool::Lease ClientPool::borrow() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
  if (!idle_.empty()) {
    std::unique_ptr<Client> client = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(client));
  }
  ++open_;
  lock.unlock();  // connecting takes a round trip or more: other readers go on meanwhile
  try {
    return Lease(*this, std::make_unique<Client>(url_));
  } catch (...) {
    lock.lock();
    --open_;
    returned_.notify_one();
    throw;
  }
}

void ClientPool::give_back(std::unique_ptr<Client> client) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(client));
  }
  returned_.notify_one();
}

}  // namespace yv::store::redis

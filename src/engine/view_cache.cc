#include "engine/view_cache.h"

namespace yv::engine {

bool ViewCache::holds(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return entries_.contains(id);
}

std::shared_ptr<const std::string> ViewCache::find(const std::string& id, double revision) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  if (it == entries_.end() || it->second.revision != revision) return nullptr;
  return it->second.body;
}

void ViewCache::keep(const std::string& id, double revision, std::string body) {
  if (body.size() > max_bytes_ / 4) return;
  auto shared = std::make_shared<const std::string>(std::move(body));
  const size_t size = shared->size();
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(id);
  if (found != entries_.end()) {
    bytes_ = bytes_ - found->second.body->size() + size;
    found->second = Entry{revision, std::move(shared)};
  } else {
    entries_.emplace(id, Entry{revision, std::move(shared)});
    order_.push_back(id);
    bytes_ += size;
  }
  while (bytes_ > max_bytes_) {
    const auto oldest = entries_.find(order_.front());
    bytes_ -= oldest->second.body->size();
    entries_.erase(oldest);
    order_.pop_front();
  }
}

}  // namespace yv::engine

#include "engine/view_cache.h"

namespace yv::engine {

std::shared_ptr<const std::string> ViewCache::find(const std::string& id, double revision) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  if (it == entries_.end() || it->second.revision != revision) return nullptr;
  return it->second.body;
}

void ViewCache::keep(const std::string& id, double revision, std::string body) {
  auto shared = std::make_shared<const std::string>(std::move(body));
  std::lock_guard lock(mutex_);
  const auto [it, added] = entries_.insert_or_assign(id, Entry{revision, std::move(shared)});
  if (!added) return;
  order_.push_back(id);
  if (order_.size() > capacity_) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace yv::engine

#include "engine/partial_output.h"

namespace yv::engine {

void PartialOutput::add(nlohmann::json segment) {
  std::lock_guard lock(mutex_);
  segment["index"] = added_++;
  tail_.push_back(std::move(segment));
  if (tail_.size() > kKeep) tail_.pop_front();
  changed_ = true;
}

std::optional<std::string> PartialOutput::take_changed() {
  std::lock_guard lock(mutex_);
  if (!changed_) return std::nullopt;
  changed_ = false;
  return nlohmann::json{{"segments", nlohmann::json(tail_)}}.dump();
}

}  // namespace yv::engine

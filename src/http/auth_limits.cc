#include "http/auth_limits.h"

#include <algorithm>
#include <cmath>

namespace yv::http::auth {

std::optional<int> KeyLimits::admit(const KeyRecord& key, uint64_t upload_bytes, Clock::time_point now) {
  const double rate = key.requests_per_second;
  const uint64_t quota = key.upload_bytes_per_hour;
  if (rate <= 0 && (quota == 0 || upload_bytes == 0)) return std::nullopt;
  std::lock_guard lock(mutex_);
  Usage& u = usage_[key.id];
  std::optional<double> wait;
  if (rate > 0) {
    const double burst = std::max(1.0, rate);
    u.tokens =
        u.tokens < 0
            ? burst
            : std::min(burst, u.tokens + rate * std::chrono::duration<double>(now - u.refilled).count());
    u.refilled = now;
    if (u.tokens < 1) wait = (1 - u.tokens) / rate;
  }
  if (quota > 0 && upload_bytes > 0) {
    constexpr auto kHour = std::chrono::hours(1);
    if (u.uploaded == 0 || now - u.upload_window >= kHour) {
      u.upload_window = now;
      u.uploaded = 0;
    }
    if (u.uploaded + upload_bytes > quota)
      wait = std::max(wait.value_or(0), std::chrono::duration<double>(u.upload_window + kHour - now).count());
  }
  if (wait) return std::max(1, int(std::ceil(*wait)));
  if (rate > 0) u.tokens -= 1;
  u.uploaded += upload_bytes;
  return std::nullopt;
}

}  // namespace yv::http::auth

#include "store/redis/redis_lease_manager.h"

#include <spdlog/fmt/fmt.h>

#include <nlohmann/json.hpp>

namespace yv::store {
namespace {

// ARGV[1] is the prefix, ARGV[2] the lease key, ARGV[3] now. The helpers log an event and free a lease.
constexpr const char* kCommon = R"lua(
local P, K, now = ARGV[1], ARGV[2], ARGV[3]
local H = P .. 'lease:' .. K
local function log(event, l)
  redis.call('LPUSH', P .. 'lease_events:' .. K, cjson.encode({at = tonumber(now), event = event,
    holder = l[1], task_name = l[2], token = tonumber(l[3])}))
  redis.call('LTRIM', P .. 'lease_events:' .. K, 0, 99)
end
local function held() return redis.call('HMGET', H, 'holder', 'task_name', 'token', 'acquired_at', 'expires_at') end
local function free(event, l)
  redis.call('HDEL', H, 'holder', 'task_name', 'acquired_at', 'expires_at')
  log(event, l)
end
)lua";

// ARGV: P, key, now, holder, task_name, expires_at. Sent again after a lost reply (the same holder and time),
// it answers the token it issued the first time.
constexpr const char* kAcquire = R"lua(
local l = held()
if l[1] == ARGV[4] and l[4] == now then return tonumber(l[3]) end
if l[1] then
  if tonumber(l[5]) >= tonumber(now) then return false end
  free('expired', l)
end
local token = redis.call('HINCRBY', H, 'token', 1)
redis.call('HSET', H, 'holder', ARGV[4], 'task_name', ARGV[5], 'acquired_at', now, 'expires_at', ARGV[6])
redis.call('SADD', P .. 'lease_keys', K)
log('acquired', {ARGV[4], ARGV[5], token})
return token
)lua";

// ARGV: P, key, now, token, expires_at
constexpr const char* kRenew = R"lua(
local l = held()
if not l[1] or l[3] ~= ARGV[4] or tonumber(l[5]) < tonumber(now) then return 0 end
redis.call('HSET', H, 'expires_at', ARGV[5])
return 1
)lua";

// ARGV: P, key, now, token ('' for any holder), event
constexpr const char* kRelease = R"lua(
local l = held()
if not l[1] or (ARGV[4] ~= '' and l[3] ~= ARGV[4]) then return false end
free(ARGV[5], l)
return l
)lua";

std::string number(double v) { return fmt::format("{:.6f}", v); }

Lease lease_of(const std::string& key, const redis::Reply& fields) {
  return {key,
          fields.items[0].text,
          fields.items[1].text,
          std::stoll(fields.items[2].text),
          std::stod(fields.items[3].text),
          std::stod(fields.items[4].text)};
}

}  // namespace

RedisLeaseManager::RedisLeaseManager(const std::string& url, std::function<double()> clock,
                                     std::string prefix)
    : client_(url), clock_(std::move(clock)), prefix_(std::move(prefix)) {}

redis::Reply RedisLeaseManager::run(const char* body, std::vector<std::string> args) {
  const std::vector<std::string> argv = redis::eval(std::string(kCommon) + body, prefix_, std::move(args));
  std::lock_guard lock(mutex_);
  return client_.command(argv);
}

std::optional<Lease> RedisLeaseManager::acquire(const std::string& key, const std::string& holder,
                                                const std::string& task_name, double ttl_seconds) {
  const double now = clock_();
  const redis::Reply r = run(kAcquire, {key, number(now), holder, task_name, number(now + ttl_seconds)});
  if (r.type != redis::Reply::Type::kInteger) return std::nullopt;
  return Lease{key, holder, task_name, r.integer, now, now + ttl_seconds};
}

bool RedisLeaseManager::renew(const Lease& lease, double ttl_seconds) {
  const double now = clock_();
  return run(kRenew, {lease.key, number(now), std::to_string(lease.token), number(now + ttl_seconds)})
             .integer == 1;
}

bool RedisLeaseManager::release(const Lease& lease) {
  return run(kRelease, {lease.key, number(clock_()), std::to_string(lease.token), "released"}).type ==
         redis::Reply::Type::kArray;
}

std::optional<Lease> RedisLeaseManager::force_release(const std::string& key) {
  const redis::Reply r = run(kRelease, {key, number(clock_()), "", "forced"});
  if (r.type != redis::Reply::Type::kArray) return std::nullopt;
  return lease_of(key, r);
}

std::optional<Lease> RedisLeaseManager::current(const std::string& key) {
  redis::Reply r;
  {
    std::lock_guard lock(mutex_);
    r = client_.command(
        {"HMGET", prefix_ + "lease:" + key, "holder", "task_name", "token", "acquired_at", "expires_at"});
  }
  if (r.items.size() != 5 || r.items[0].type != redis::Reply::Type::kString) return std::nullopt;
  Lease lease = lease_of(key, r);
  if (lease.expires_at < clock_()) return std::nullopt;
  return lease;
}

std::vector<LeaseEvent> RedisLeaseManager::history(const std::string& key, int limit) {
  redis::Reply r;
  {
    std::lock_guard lock(mutex_);
    r = client_.command({"LRANGE", prefix_ + "lease_events:" + key, "0", std::to_string(limit - 1)});
  }
  std::vector<LeaseEvent> events;
  for (const redis::Reply& item : r.items) {
    const auto e = nlohmann::json::parse(item.text);
    events.push_back({e["at"], e["event"], e["holder"], e["task_name"], e["token"]});
  }
  return events;
}

std::vector<std::string> RedisLeaseManager::keys() {
  redis::Reply r;
  {
    std::lock_guard lock(mutex_);
    r = client_.command({"SMEMBERS", prefix_ + "lease_keys"});
  }
  std::vector<std::string> out;
  for (const redis::Reply& item : r.items) out.push_back(item.text);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace yv::store

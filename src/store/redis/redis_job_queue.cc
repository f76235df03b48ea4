#include "store/redis/redis_job_queue.h"

#include <spdlog/fmt/fmt.h>

#include "core/error.h"
#include "core/ids.h"

namespace yv::store {
namespace {

// Shared by the scripts: P is the key prefix (ARGV[1]), ids are zero-padded in sorted sets so that equal
// scores order by id.
constexpr const char* kCommon = R"lua(
local P = ARGV[1]
local function member(id) return string.format('%015d', tonumber(id)) end
local function t(x) return string.format('%.6f', x) end
local function leased_by(id, token)
  local s = redis.call('HMGET', P .. 'job:' .. id, 'state', 'token')
  return s[1] == 'leased' and s[2] == token
end
local function unlease(id)
  redis.call('ZREM', P .. 'leased', member(id))
  redis.call('ZREM', P .. 'deadline', member(id))
  redis.call('HDEL', P .. 'job:' .. id, 'lease_until')
end
)lua";

// ARGV: P, queue, payload, max_attempts, time_limit, now, id. Sent again after a lost reply, it changes
// nothing.
constexpr const char* kEnqueue = R"lua(
local id = ARGV[7]
if redis.call('EXISTS', P .. 'job:' .. id) == 1 then return id end
redis.call('HSET', P .. 'job:' .. id, 'queue', ARGV[2], 'payload', ARGV[3], 'state', 'ready', 'attempts', 0,
  'max_attempts', ARGV[4], 'time_limit', ARGV[5], 'token', 0, 'progress', 0, 'available_at', ARGV[6])
redis.call('ZADD', P .. 'ready:' .. ARGV[2], ARGV[6], member(id))
return id
)lua";

// ARGV: P, worker, lease_seconds, now, claim id, queue... A claim sent again under the same claim id (its
// reply was lost) answers the job it leased the first time, with its lease renewed, instead of leasing a
// second one and leaving the first to lapse and run again.
constexpr const char* kClaim = R"lua(
local now = tonumber(ARGV[4])
local claim = P .. 'claim:' .. ARGV[5]
local function answer(id, queue, attempts, token)
  return {id, queue, redis.call('HGET', P .. 'job:' .. id, 'payload'), attempts, token}
end
local prior = redis.call('HMGET', claim, 'id', 'token')
if prior[1] and leased_by(prior[1], prior[2]) then
  local key = P .. 'job:' .. prior[1]
  local lease_until = now + tonumber(ARGV[3])
  redis.call('HSET', key, 'lease_until', t(lease_until))
  redis.call('ZADD', P .. 'leased', t(lease_until), member(prior[1]))
  local j = redis.call('HMGET', key, 'queue', 'attempts')
  return answer(tonumber(prior[1]), j[1], tonumber(j[2]), tonumber(prior[2]))
end
local best, best_score, best_queue = nil, nil, nil
for i = 6, #ARGV do
  local r = redis.call('ZRANGEBYSCORE', P .. 'ready:' .. ARGV[i], '-inf', ARGV[4], 'WITHSCORES', 'LIMIT', 0, 1)
  if r[1] then
    local score = tonumber(r[2])
    if not best or score < best_score or (score == best_score and r[1] < best) then
      best, best_score, best_queue = r[1], score, ARGV[i]
    end
  end
end
if not best then return false end
local id = tonumber(best)
local key = P .. 'job:' .. id
redis.call('ZREM', P .. 'ready:' .. best_queue, best)
local attempts = redis.call('HINCRBY', key, 'attempts', 1)
local token = redis.call('HINCRBY', key, 'token', 1)
local lease_until = now + tonumber(ARGV[3])
redis.call('HSET', key, 'state', 'leased', 'worker', ARGV[2], 'lease_until', t(lease_until), 'started_at', t(now),
  'progress', 0)
redis.call('HDEL', key, 'partial')
redis.call('ZADD', P .. 'leased', t(lease_until), best)
local limit = tonumber(redis.call('HGET', key, 'time_limit'))
if limit > 0 then redis.call('ZADD', P .. 'deadline', t(now + limit), best) end
-- Kept while a resent claim can still find the lease: past it, the job is the reaper's.
redis.call('HSET', claim, 'id', id, 'token', token)
redis.call('EXPIRE', claim, math.ceil(tonumber(ARGV[3])) + 60)
return answer(id, best_queue, attempts, token)
)lua";

// ARGV: P, id, token, lease_seconds, now, progress ('' for none), partial ('' for none)
constexpr const char* kHeartbeat = R"lua(
if not leased_by(ARGV[2], ARGV[3]) then return 0 end
local lease_until = tonumber(ARGV[5]) + tonumber(ARGV[4])
redis.call('HSET', P .. 'job:' .. ARGV[2], 'lease_until', t(lease_until))
if ARGV[6] ~= '' then redis.call('HSET', P .. 'job:' .. ARGV[2], 'progress', ARGV[6]) end
if ARGV[7] ~= '' then redis.call('HSET', P .. 'job:' .. ARGV[2], 'partial', ARGV[7]) end
redis.call('ZADD', P .. 'leased', t(lease_until), member(ARGV[2]))
return 1
)lua";

// ARGV: P, id, token, result, now. Sent again after a lost reply (same token, same result), it answers 1
// again.
constexpr const char* kComplete = R"lua(
if not leased_by(ARGV[2], ARGV[3]) then
  local s = redis.call('HMGET', P .. 'job:' .. ARGV[2], 'state', 'token', 'result')
  return (s[1] == 'done' and s[2] == ARGV[3] and s[3] == ARGV[4]) and 1 or 0
end
unlease(ARGV[2])
redis.call('HSET', P .. 'job:' .. ARGV[2], 'state', 'done', 'result', ARGV[4], 'finished_at', ARGV[5], 'progress', 1)
return 1
)lua";

// ARGV: P, id, token, error, retry (1/0), available_at, now
constexpr const char* kFail = R"lua(
local key = P .. 'job:' .. ARGV[2]
if not leased_by(ARGV[2], ARGV[3]) then return 0 end
unlease(ARGV[2])
local j = redis.call('HMGET', key, 'attempts', 'max_attempts', 'queue')
local state = 'dead'
if ARGV[5] == '1' and tonumber(j[1]) < tonumber(j[2]) then
  state = 'ready'
  redis.call('ZADD', P .. 'ready:' .. j[3], ARGV[6], member(ARGV[2]))
end
redis.call('HSET', key, 'state', state, 'error', ARGV[4], 'available_at', ARGV[6], 'finished_at', ARGV[7])
return 1
)lua";

// ARGV: P, id, reason, now
constexpr const char* kCancel = R"lua(
local key = P .. 'job:' .. ARGV[2]
local j = redis.call('HMGET', key, 'state', 'queue')
if j[1] ~= 'ready' and j[1] ~= 'leased' then return 0 end
unlease(ARGV[2])
redis.call('ZREM', P .. 'ready:' .. j[2], member(ARGV[2]))
redis.call('HSET', key, 'state', 'cancelled', 'error', ARGV[3], 'finished_at', ARGV[4])
return 1
)lua";

// ARGV: P, now, the lapsed-lease error. Time limits first: a job past its limit is dead even while its worker
// heartbeats. Returns {changed, then the id and worker of each lapsed lease}, for the log.
constexpr const char* kReap = R"lua(
local changed = 0
local lapsed = {}
for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'deadline', '-inf', '(' .. ARGV[2])) do
  local id = tonumber(m)
  local key = P .. 'job:' .. id
  if redis.call('HGET', key, 'state') == 'leased' then
    unlease(id)
    local limit = math.floor(tonumber(redis.call('HGET', key, 'time_limit')))
    redis.call('HSET', key, 'state', 'dead', 'finished_at', ARGV[2],
      'error', 'task_timeout: the node ran past its time limit of ' .. limit .. ' s')
    changed = changed + 1
  else
    redis.call('ZREM', P .. 'deadline', m)
  end
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'leased', '-inf', '(' .. ARGV[2])) do
  local id = tonumber(m)
  local key = P .. 'job:' .. id
  local j = redis.call('HMGET', key, 'attempts', 'max_attempts', 'queue', 'worker')
  unlease(id)
  local state = 'dead'
  if tonumber(j[1]) < tonumber(j[2]) then
    state = 'ready'
    redis.call('ZADD', P .. 'ready:' .. j[3], ARGV[2], m)
  end
  redis.call('HSET', key, 'state', state, 'available_at', ARGV[2], 'finished_at', ARGV[2], 'error', ARGV[3])
  table.insert(lapsed, m)
  table.insert(lapsed, j[4] or '?')
  changed = changed + 1
end
table.insert(lapsed, 1, changed)
return lapsed
)lua";

std::string number(double v) { return fmt::format("{:.6f}", v); }

}  // namespace

RedisJobQueue::RedisJobQueue(const std::string& url, std::function<double()> clock, std::string prefix)
    : client_(url),
      readers_(url, redis::ClientPool::configured_size()),
      clock_(std::move(clock)),
      prefix_(std::move(prefix)),
      instance_(uuid4()) {}

std::vector<std::string> RedisJobQueue::script(const char* body, std::vector<std::string> args) const {
  return redis::eval(std::string(kCommon) + body, prefix_, std::move(args));
}

redis::Reply RedisJobQueue::run(const char* body, std::vector<std::string> args) {
  const std::vector<std::string> argv = script(body, std::move(args));
  std::lock_guard lock(mutex_);
  return client_.command(argv);
}

int64_t RedisJobQueue::next_id() {
  std::lock_guard lock(mutex_);
  return client_.command({"INCR", prefix_ + "next_id"}).integer;
}

std::vector<std::string> RedisJobQueue::enqueue_command(int64_t id, const std::string& queue,
                                                        const nlohmann::json& payload,
                                                        JobLimits limits) const {
  return script(kEnqueue,
                {queue, payload.dump(), std::to_string(std::max(1, limits.max_attempts)),
                 number(std::max(0.0, limits.time_limit_seconds)), number(clock_()), std::to_string(id)});
}

std::vector<std::string> RedisJobQueue::cancel_command(int64_t id, const std::string& reason) const {
  return script(kCancel, {std::to_string(id), reason, number(clock_())});
}

int64_t RedisJobQueue::enqueue(const std::string& queue, const nlohmann::json& payload, JobLimits limits) {
  const int64_t id = next_id();
  const std::vector<std::string> argv = enqueue_command(id, queue, payload, limits);
  std::lock_guard lock(mutex_);
  client_.command(argv);
  return id;
}

std::optional<Job> RedisJobQueue::claim(const std::vector<std::string>& queues, const std::string& worker,
                                        double lease_seconds) {
  if (queues.empty()) return std::nullopt;
  std::string claim_id;
  {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = unanswered_claims_.try_emplace(worker);
    if (fresh) it->second = instance_ + ":" + std::to_string(++claims_);
    claim_id = it->second;
  }
  std::vector<std::string> args = {worker, number(lease_seconds), number(clock_()), claim_id};
  args.insert(args.end(), queues.begin(), queues.end());
  const redis::Reply r = run(kClaim, std::move(args));  // when it throws, the claim id stays for the next
  {
    std::lock_guard lock(mutex_);
    unanswered_claims_.erase(worker);
  }
  if (r.type != redis::Reply::Type::kArray || r.items.size() != 5) return std::nullopt;
  return Job{r.items[0].integer, r.items[1].text, nlohmann::json::parse(r.items[2].text),
             int(r.items[3].integer), r.items[4].integer};
}

bool RedisJobQueue::heartbeat(const Job& job, double lease_seconds, std::optional<double> progress,
                              const std::optional<std::string>& partial) {
  return run(kHeartbeat,
             {std::to_string(job.id), std::to_string(job.token), number(lease_seconds), number(clock_()),
              progress ? number(std::clamp(*progress, 0.0, 1.0)) : "", partial.value_or("")})
             .integer == 1;
}

bool RedisJobQueue::complete(const Job& job, const nlohmann::json& result) {
  return run(kComplete, {std::to_string(job.id), std::to_string(job.token), result.dump(), number(clock_())})
             .integer == 1;
}

bool RedisJobQueue::fail(const Job& job, const std::string& error, bool retry, double retry_delay_seconds) {
  const double now = clock_();
  return run(kFail, {std::to_string(job.id), std::to_string(job.token), error, retry ? "1" : "0",
                     number(now + retry_delay_seconds), number(now)})
             .integer == 1;
}

bool RedisJobQueue::cancel(int64_t id, const std::string& reason) {
  const std::vector<std::string> argv = cancel_command(id, reason);
  std::lock_guard lock(mutex_);
  return client_.command(argv).integer == 1;
}

int RedisJobQueue::reap() {
  const redis::Reply r = run(kReap, {number(clock_()), std::string(kLeaseExpired)});
  for (size_t i = 1; i + 1 < r.items.size(); i += 2)
    log_lapsed_lease(std::stoll(r.items[i].text), r.items[i + 1].text);
  return r.items.empty() ? 0 : int(r.items[0].integer);
}

JobStatus RedisJobQueue::status(int64_t id) {
  const redis::Reply r = readers_.borrow()->command({"HGETALL", prefix_ + "job:" + std::to_string(id)});
  if (r.items.empty()) throw Error("job_not_found", "no job " + std::to_string(id), 404);
  std::map<std::string, std::string> f;
  for (size_t i = 0; i + 1 < r.items.size(); i += 2) f[r.items[i].text] = r.items[i + 1].text;
  const auto optional_number = [&](const char* name) -> std::optional<double> {
    const auto it = f.find(name);
    if (it == f.end()) return std::nullopt;
    return std::stod(it->second);
  };
  JobStatus s;
  s.state = parse_job_state(f["state"]);
  s.attempts = std::stoi(f["attempts"]);
  s.worker = f["worker"];
  if (f.contains("result")) s.result = nlohmann::json::parse(f["result"]);
  if (f.contains("error")) s.error = f["error"];
  s.started_at = optional_number("started_at");
  s.finished_at = optional_number("finished_at");
  s.progress = std::stod(f["progress"]);
  if (f.contains("partial")) s.partial = nlohmann::json::parse(f["partial"]);
  return s;
}

}  // namespace yv::store

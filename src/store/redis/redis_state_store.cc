#include "store/redis/redis_state_store.h"

#include <spdlog/fmt/fmt.h>

#include <string_view>

#include "core/error.h"
#include "core/ids.h"

namespace yv::store {
namespace {

using nlohmann::json;
using Retry = redis::Client::Retry;

// Conflicting writers to one record retry at most this often before the caller is told to try later.
constexpr int kMaxConflicts = 100;

json optional_json(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::optional<std::string> optional_text(const json& doc, const char* key) {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

// A callback target as the record's "callback" (URL) and "callback_auth" (header line) fields; records
// written before the header existed have no "callback_auth".
void put_target(json& doc, const std::optional<CallbackTarget>& target) {
  doc["callback"] = target ? json(target->url) : json(nullptr);
  doc["callback_auth"] = target ? optional_json(target->auth_header) : json(nullptr);
}

std::optional<CallbackTarget> target_of(const json& doc) {
  const auto url = optional_text(doc, "callback");
  if (!url) return std::nullopt;
  return CallbackTarget{*url, optional_text(doc, "callback_auth")};
}

// Keys print in sorted order, so the text ends with updated_at, the record's revision: workflow_revision()
// reads only the end. A key sorting after it would break that (the state-store contract test would say so).
json to_doc(const WorkflowRecord& w) {
  json stages = json::array();
  for (const StageRecord& s : w.stages) {
    stages.push_back({{"task_name", s.task_name},
                      {"status", s.status},
                      {"input", s.input},
                      {"output", s.output},
                      {"error", optional_json(s.error)},
                      {"job_id", s.job_id},
                      {"history", s.history}});
  }
  json doc = {{"id", w.id},
              {"status", w.status},
              {"request", w.request},
              {"error", optional_json(w.error)},
              {"notify", w.notify},
              {"created_at", w.created_at},
              {"updated_at", w.updated_at},
              {"stages", stages}};
  put_target(doc, w.callback);
  return doc;
}

WorkflowRecord workflow_from_doc(const json& d) {
  WorkflowRecord w;
  w.id = d["id"];
  w.status = d["status"];
  w.request = d["request"];
  w.error = optional_text(d, "error");
  w.callback = target_of(d);
  w.notify = d["notify"];
  w.created_at = d["created_at"];
  w.updated_at = d["updated_at"];
  for (const json& s : d["stages"]) {
    w.stages.push_back({s["task_name"], s["status"], s["input"], s["output"], optional_text(s, "error"),
                        s["job_id"], s["history"]});
  }
  return w;
}

json to_doc(const TaskRecord& t) {
  json doc = {{"id", t.id},         {"task_name", t.task_name}, {"input", t.input},
              {"job_id", t.job_id}, {"notify", t.notify},       {"created_at", t.created_at}};
  put_target(doc, t.callback);
  return doc;
}

TaskRecord task_from_doc(const json& d) {
  return {d["id"], d["task_name"], d["input"], d["job_id"], target_of(d), d["notify"], d["created_at"]};
}

json to_doc(const CallbackRecord& c) {
  return {{"id", c.id},
          {"kind", c.kind},
          {"owner_id", c.owner_id},
          {"url", c.target.url},
          {"auth_header", optional_json(c.target.auth_header)},
          {"body", c.body},
          {"status", c.status},
          {"attempts", c.attempts},
          {"next_at", c.next_at},
          {"last_error", optional_json(c.last_error)},
          {"delivered_at", optional_json(c.delivered_at)}};
}

CallbackRecord callback_from_doc(const json& d) {
  const json& delivered = d["delivered_at"];
  return {d["id"],
          d["kind"],
          d["owner_id"],
          {d["url"], optional_text(d, "auth_header")},
          d["body"],
          d["status"],
          d["attempts"],
          d["next_at"],
          optional_text(d, "last_error"),
          delivered.is_null() ? std::nullopt : std::optional<double>(delivered.get<double>())};
}

// Scores as Redis reads them back exactly.
std::string score(double v) { return fmt::format("{:.17g}", v); }

std::optional<std::string> text_of(const redis::Reply& r) {
  if (r.type != redis::Reply::Type::kString) return std::nullopt;
  return r.text;
}

std::vector<std::string> texts_of(const redis::Reply& r) {
  std::vector<std::string> out;
  for (const redis::Reply& item : r.items) out.push_back(item.text);
  return out;
}

// ARGV: P, now, limit, claimed_until. Pending callbacks due now, pushed to claimed_until.
constexpr const char* kClaimCallbacks = R"lua(
local P = ARGV[1]
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'cb:due', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))) do
  redis.call('ZADD', P .. 'cb:due', ARGV[4], id)
  out[#out + 1] = redis.call('GET', P .. 'cb:' .. id)
end
return out
)lua";

}  // namespace

// Changes gathered as commands for the MULTI block; ids are taken before it (INCR), so the update can use
// them at once. An update that runs again takes new ids: the old ones are never used.
class RedisStateStore::Transaction final : public Changes {
 public:
  Transaction(RedisStateStore& store) : store_(store) {}

  int64_t enqueue(const std::string& queue, const json& payload, JobLimits limits) override {
    const int64_t id = store_.queue_.next_id();
    writes.push_back(store_.queue_.enqueue_command(id, queue, payload, limits));
    return id;
  }
  void cancel(int64_t job_id, const std::string& reason) override {
    writes.push_back(store_.queue_.cancel_command(job_id, reason));
  }
  void add_callback(const std::string& kind, const std::string& owner_id, const CallbackTarget& target,
                    json body) override {
    const std::string& p = store_.prefix_;
    const double now = store_.clock_();
    body["timestamp"] = iso8601(now);
    CallbackRecord c;
    c.id = store_.writer_.command({"INCR", p + "cb:next_id"}, Retry::kNever).integer;
    c.kind = kind;
    c.owner_id = owner_id;
    c.target = target;
    c.body = body.dump();
    c.next_at = now;
    const std::string id = std::to_string(c.id);
    writes.push_back({"SET", p + "cb:" + id, to_doc(c).dump()});
    writes.push_back({"ZADD", p + "cb:due", score(now), id});
    writes.push_back({"SET", p + "cb:latest:" + kind + ":" + owner_id, id});
  }

  std::vector<Command> writes;

 private:
  RedisStateStore& store_;
};

RedisStateStore::RedisStateStore(const std::string& url, std::function<double()> clock, std::string prefix)
    : prefix_(std::move(prefix)),
      clock_(clock),
      queue_(url, clock, prefix_),
      leases_(url, clock, prefix_),
      writer_(url),
      readers_(url, redis::ClientPool::configured_size()),
      revisions_(url, prefix_ + "wf:") {}

redis::Reply RedisStateStore::read(const Command& command) { return readers_.borrow()->command(command); }

std::vector<redis::Reply> RedisStateStore::read_all(std::span<const Command> commands) {
  return readers_.borrow()->pipeline(commands);
}

void RedisStateStore::abandon() {
  // Whichever applies: inside MULTI, DISCARD ends it and the WATCH; outside, UNWATCH. Errors mean there was
  // nothing to end (or no connection, which ends both).
  for (const char* command : {"DISCARD", "UNWATCH"}) {
    try {
      writer_.command({command}, Retry::kNever);
    } catch (const Error&) {
    }
  }
}

void RedisStateStore::optimistic(
    const std::string& key,
    const std::function<bool(const std::optional<std::string>&, Transaction&)>& build) {
  std::lock_guard lock(writer_mutex_);
  bool reconnected = false;
  for (int conflicts = 0; conflicts < kMaxConflicts;) {
    bool exec_sent = false;
    try {
      writer_.command({"WATCH", key}, Retry::kNever);
      const std::optional<std::string> stored = text_of(writer_.command({"GET", key}, Retry::kNever));
      Transaction changes(*this);
      if (!build(stored, changes)) {
        writer_.command({"UNWATCH"}, Retry::kNever);
        return;
      }
      writer_.command({"MULTI"}, Retry::kNever);
      for (const Command& c : changes.writes) writer_.command(c, Retry::kNever);
      exec_sent = true;
      if (writer_.command({"EXEC"}, Retry::kNever).type != redis::Reply::Type::kNil) return;
      ++conflicts;  // another writer changed the record: read it again
    } catch (const Error& e) {
      if (e.code() == "state_unavailable" && !exec_sent && !reconnected) {
        reconnected = true;  // the next command opens a new connection, without the WATCH
        continue;
      }
      abandon();
      throw;
    } catch (...) {
      abandon();
      throw;
    }
  }
  throw Error("state_busy", "too many concurrent changes to " + key + "; try again", 503);
}

void RedisStateStore::update_workflow(const std::string& id, const WorkflowUpdate& update) {
  const std::string p = prefix_;
  const std::string key = p + "wf:" + id;
  // Whatever the outcome (committed, nothing to write, unknown after a lost EXEC), the revision kept here
  // may be stale now: forgotten at once, so that this process reads its own writes without waiting for
  // Redis's report.
  struct Forget {
    redis::RevisionCache& revisions;
    const std::string& key;
    ~Forget() { revisions.forget(key); }
  } forget{revisions_, key};
  optimistic(key, [&](const std::optional<std::string>& stored, Transaction& changes) {
    std::optional<WorkflowRecord> before;
    if (stored) before = workflow_from_doc(json::parse(*stored));
    std::optional<WorkflowRecord> after = before;
    update(after, changes);
    if (!after || (after == before && changes.writes.empty())) return false;
    if (after != before) advance_revision(before, *after);
    auto& w = changes.writes;
    w.insert(w.begin(), {"SET", p + "wf:" + id, to_doc(*after).dump()});
    w.push_back({"ZADD", p + "workflows", score(after->created_at), id});
    w.push_back({after->status == "running" ? "SADD" : "SREM", p + "running", id});
    w.push_back({after->notify ? "SADD" : "SREM", p + "notify:workflow", id});
    return true;
  });
}

std::optional<WorkflowRecord> RedisStateStore::workflow(const std::string& id) {
  const auto text = text_of(read({"GET", prefix_ + "wf:" + id}));
  if (!text) return std::nullopt;
  return workflow_from_doc(json::parse(*text));
}

std::optional<double> RedisStateStore::workflow_revision(const std::string& id) {
  // The record's text ends with its updated_at (to_doc), so its last bytes hold the revision: one small read
  // whatever the record's size (a view with an hour's transcript is megabytes; decoding it in Redis for one
  // number cost as much as reading it). 64 bytes hold the key and any double as nlohmann prints it.
  static constexpr std::string_view kKey = "\"updated_at\":";
  const std::string key = prefix_ + "wf:" + id;
  if (const auto kept = revisions_.find(key)) return kept;
  const uint64_t ticket = revisions_.ticket();
  const auto tail = text_of(read({"GETRANGE", key, "-64", "-1"}));
  if (!tail || tail->empty()) return std::nullopt;  // GETRANGE of a missing key is ""
  const size_t at = tail->rfind(kKey);
  if (at == std::string::npos || tail->back() != '}')
    throw Error("state_error", "workflow " + id + " is stored in a form this version cannot read", 500);
  const double revision = std::stod(tail->substr(at + kKey.size()));
  revisions_.keep(key, revision, ticket);
  return revision;
}

std::vector<WorkflowRecord> RedisStateStore::workflows_before(double time, const std::string& id, int limit) {
  std::vector<WorkflowRecord> page;
  // Equal scores come back in reverse order of their ids, as (created_at, id) descending wants.
  for (int offset = 0; int(page.size()) < limit;) {
    const redis::Reply batch = read({"ZREVRANGEBYSCORE", prefix_ + "workflows", score(time), "-inf",
                                     "WITHSCORES", "LIMIT", std::to_string(offset), std::to_string(limit)});
    if (batch.items.empty()) break;
    offset += int(batch.items.size() / 2);
    for (size_t i = 0; i + 1 < batch.items.size() && int(page.size()) < limit; i += 2) {
      const std::string& member = batch.items[i].text;
      if (std::stod(batch.items[i + 1].text) == time && member >= id) continue;
      if (auto w = workflow(member)) page.push_back(std::move(*w));
    }
  }
  return page;
}

std::vector<std::string> RedisStateStore::running_workflows() {
  return texts_of(read({"SMEMBERS", prefix_ + "running"}));
}

void RedisStateStore::update_task(const std::string& id, const TaskUpdate& update) {
  const std::string p = prefix_;
  optimistic(p + "task:" + id, [&](const std::optional<std::string>& stored, Transaction& changes) {
    std::optional<TaskRecord> before;
    if (stored) before = task_from_doc(json::parse(*stored));
    std::optional<TaskRecord> after = before;
    update(after, changes);
    if (!after || (after == before && changes.writes.empty())) return false;
    auto& w = changes.writes;
    w.insert(w.begin(), {"SET", p + "task:" + id, to_doc(*after).dump()});
    w.push_back({after->notify ? "SADD" : "SREM", p + "notify:task", id});
    return true;
  });
}

std::optional<TaskRecord> RedisStateStore::task(const std::string& id) {
  const auto text = text_of(read({"GET", prefix_ + "task:" + id}));
  if (!text) return std::nullopt;
  return task_from_doc(json::parse(*text));
}

std::vector<std::string> RedisStateStore::to_notify(const std::string& kind) {
  return texts_of(read({"SMEMBERS", prefix_ + "notify:" + kind}));
}

std::vector<CallbackRecord> RedisStateStore::claim_callbacks(double now, int limit, double claim_seconds) {
  const redis::Reply r = read(
      redis::eval(kClaimCallbacks, prefix_, {score(now), std::to_string(limit), score(now + claim_seconds)}));
  std::vector<CallbackRecord> due;
  for (const redis::Reply& doc : r.items) {
    if (doc.type == redis::Reply::Type::kString) due.push_back(callback_from_doc(json::parse(doc.text)));
  }
  return due;
}

void RedisStateStore::record_attempt(const CallbackRecord& c) {
  const std::string id = std::to_string(c.id);
  std::lock_guard lock(writer_mutex_);
  try {
    writer_.command({"MULTI"}, Retry::kNever);
    writer_.command({"SET", prefix_ + "cb:" + id, to_doc(c).dump()}, Retry::kNever);
    if (c.status == "pending") {
      writer_.command({"ZADD", prefix_ + "cb:due", score(c.next_at), id}, Retry::kNever);
    } else {
      writer_.command({"ZREM", prefix_ + "cb:due", id}, Retry::kNever);
    }
    writer_.command({"EXEC"}, Retry::kNever);
  } catch (...) {
    abandon();  // else the writer connection stays inside MULTI and every later update fails
    throw;
  }
}

std::optional<CallbackRecord> RedisStateStore::latest_callback(const std::string& kind,
                                                               const std::string& owner_id) {
  const auto id = text_of(read({"GET", prefix_ + "cb:latest:" + kind + ":" + owner_id}));
  if (!id) return std::nullopt;
  const auto text = text_of(read({"GET", prefix_ + "cb:" + *id}));
  if (!text) return std::nullopt;
  return callback_from_doc(json::parse(*text));
}

void RedisStateStore::worker_beat(const std::string& name, const json& beat) {
  read({"HSET", prefix_ + "workers", name, json{{"beat", beat}, {"seen_at", clock_()}}.dump()});
}

std::vector<WorkerBeat> RedisStateStore::worker_beats() {
  const redis::Reply r = read({"HGETALL", prefix_ + "workers"});
  std::vector<WorkerBeat> beats;
  for (size_t i = 0; i + 1 < r.items.size(); i += 2) {
    const json entry = json::parse(r.items[i + 1].text);
    beats.push_back({r.items[i].text, entry["beat"], entry["seen_at"]});
  }
  std::sort(beats.begin(), beats.end(), [](const auto& a, const auto& b) { return a.seen_at < b.seen_at; });
  return beats;
}

QueueDepth RedisStateStore::queue_depth() {
  QueueDepth depth;
  // Ready jobs are counted by their queue's sorted set; leased ones are few (one per busy worker).
  std::string cursor = "0";
  do {
    const redis::Reply page = read({"SCAN", cursor, "MATCH", prefix_ + "ready:*", "COUNT", "100"});
    cursor = page.items.at(0).text;
    for (const redis::Reply& key : page.items.at(1).items) {
      const int64_t n = read({"ZCARD", key.text}).integer;
      if (n > 0) depth[{key.text.substr(prefix_.size() + 6), "ready"}] = n;
    }
  } while (cursor != "0");
  for (const std::string& member : texts_of(read({"ZRANGE", prefix_ + "leased", "0", "-1"}))) {
    const auto queue =
        text_of(read({"HGET", prefix_ + "job:" + std::to_string(std::stoll(member)), "queue"}));
    if (queue) ++depth[{*queue, "leased"}];
  }
  return depth;
}

Statistics RedisStateStore::statistics() {
  Statistics s;
  s.queue_depth = queue_depth();
  // Records are read a page at a time, one round trip per page: this walks every job, workflow and callback.
  static constexpr size_t kPage = 500;
  const auto each_reply = [this](const std::vector<Command>& reads, const auto& use) {
    for (size_t at = 0; at < reads.size(); at += kPage)
      for (const redis::Reply& r : read_all(std::span(reads).subspan(at, std::min(kPage, reads.size() - at))))
        use(r);
  };
  std::string cursor = "0";
  do {
    const redis::Reply page =
        read({"SCAN", cursor, "MATCH", prefix_ + "job:*", "COUNT", std::to_string(kPage)});
    cursor = page.items.at(0).text;
    std::vector<Command> reads;
    for (const redis::Reply& key : page.items.at(1).items)
      reads.push_back({"HMGET", key.text, "state", "payload", "attempts", "started_at", "finished_at"});
    each_reply(reads, [&](const redis::Reply& f) {
      const std::string state = f.items.at(0).text;
      if (state == "ready" || state == "leased") return;  // counted by queue_depth()
      const std::string node = json::parse(f.items.at(1).text).value("task_name", "");
      Statistics::NodeRuns& runs = s.node_runs[{node, state}];
      ++runs.runs;
      runs.attempts += std::stoll(f.items.at(2).text);
      if (state == "done" && !f.items.at(3).text.empty() && !f.items.at(4).text.empty()) {
        runs.seconds.push_back(std::stod(f.items.at(4).text) - std::stod(f.items.at(3).text));
      }
    });
  } while (cursor != "0");
  std::vector<Command> reads;
  for (const std::string& id : texts_of(read({"ZRANGE", prefix_ + "workflows", "0", "-1"})))
    reads.push_back({"GET", prefix_ + "wf:" + id});
  each_reply(reads, [&](const redis::Reply& r) {
    if (const auto text = text_of(r)) ++s.workflows[workflow_from_doc(json::parse(*text)).status];
  });
  reads.clear();
  const auto last = text_of(read({"GET", prefix_ + "cb:next_id"}));
  for (int64_t id = 1; last && id <= std::stoll(*last); ++id)
    reads.push_back({"GET", prefix_ + "cb:" + std::to_string(id)});
  each_reply(reads, [&](const redis::Reply& r) {
    if (const auto text = text_of(r)) ++s.callbacks[json::parse(*text).value("status", "")];
  });
  return s;
}

}  // namespace yv::store

#include "store/redis/redis_client.h"

#include <hiredis.h>
#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <span>

#include "core/error.h"

namespace yv::store::redis {
namespace {

Reply convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kString;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.items.push_back(convert(r->element[i]));
      break;
    default:
      break;
  }
  return out;
}

// Queues `argv` in the context's output buffer.
void append(redisContext* ctx, const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lengths.push_back(a.size());
  }
  redisAppendCommandArgv(ctx, int(args.size()), args.data(), lengths.data());
}

}  // namespace

std::vector<std::string> eval(std::string script, const std::string& prefix, std::vector<std::string> args) {
  std::vector<std::string> argv = {"EVAL", std::move(script), "0", prefix};
  argv.insert(argv.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  return argv;
}

Client::Client(const std::string& url) {
  std::string rest = url;
  if (rest.starts_with("redis://")) rest = rest.substr(8);
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = credentials.find(':');
    if (colon == std::string::npos) {
      password_ = credentials;
    } else {
      user_ = credentials.substr(0, colon);
      password_ = credentials.substr(colon + 1);
    }
  }
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    db_ = std::atoi(rest.c_str() + slash + 1);
    rest = rest.substr(0, slash);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    port_ = std::atoi(rest.c_str() + colon + 1);
    rest = rest.substr(0, colon);
  }
  host_ = rest.empty() ? "127.0.0.1" : rest;
  connect();
}

Client::~Client() {
  if (ctx_) redisFree(ctx_);
}

void Client::connect() {
  if (ctx_) redisFree(ctx_);
  const timeval timeout{5, 0};
  ctx_ = redisConnectWithTimeout(host_.c_str(), port_, timeout);
  if (!ctx_ || ctx_->err) {
    const std::string why = ctx_ ? ctx_->errstr : "out of memory";
    if (ctx_) redisFree(ctx_);
    ctx_ = nullptr;
    throw Error("state_unavailable",
                "cannot reach Redis at " + host_ + ":" + std::to_string(port_) + ": " + why, 503);
  }
  if (!password_.empty()) {
    try {
      command(user_.empty() ? std::vector<std::string>{"AUTH", password_}
                            : std::vector<std::string>{"AUTH", user_, password_},
              Retry::kNever);
    } catch (const Error& e) {
      if (ctx_) redisFree(ctx_);
      ctx_ = nullptr;
      if (e.code() != "state_error") throw;  // the connection was lost, not the password refused
      throw Error("state_unavailable",
                  "Redis at " + host_ + ":" + std::to_string(port_) + " refused the password", 503);
    }
  }
  if (db_ != 0) command({"SELECT", std::to_string(db_)}, Retry::kNever);
}

Reply Client::command(const std::vector<std::string>& argv, Retry retry) {
  return std::move(exchange(std::span(&argv, 1), retry).front());
}

std::vector<Reply> Client::pipeline(std::span<const std::vector<std::string>> commands, Retry retry) {
  if (commands.empty()) return {};
  return exchange(commands, retry);
}

void Client::throw_lost() {
  const std::string why = ctx_ ? ctx_->errstr : "not connected";
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
  throw Error("state_unavailable", "lost the connection to Redis: " + why, 503);
}

void Client::send(const std::vector<std::string>& argv) {
  if (!ctx_) throw_lost();
  append(ctx_, argv);
  for (int done = 0; !done;)
    if (redisBufferWrite(ctx_, &done) != REDIS_OK) throw_lost();
}

std::optional<Reply> Client::receive(int wake_fd, int timeout_ms) {
  if (!ctx_) throw_lost();
  void* raw = nullptr;
  // hiredis may hold messages already read from the socket; the socket is read only when it has more.
  while (redisGetReplyFromReader(ctx_, &raw) == REDIS_OK && !raw) {
    pollfd ready[2] = {{ctx_->fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    const int n = poll(ready, 2, timeout_ms);
    if (n < 0 && errno != EINTR) throw_lost();
    if (n == 0 || ready[1].revents) return std::nullopt;
    if (ready[0].revents && redisBufferRead(ctx_) != REDIS_OK) throw_lost();
  }
  if (!raw) throw_lost();
  Reply reply = convert(static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return reply;
}

std::vector<Reply> Client::exchange(std::span<const std::vector<std::string>> commands, Retry retry) {
  // One reconnect: a Redis restart (AOF) between two exchanges should cost a client nothing.
  for (int attempt = 0;; ++attempt) {
    if (!ctx_) connect();
    for (const auto& argv : commands) append(ctx_, argv);
    // Every reply is read before an error is raised, so that the connection stays in step.
    std::vector<Reply> replies;
    std::string refused;
    bool lost = false;
    for (const auto& argv : commands) {
      void* raw = nullptr;
      if (redisGetReply(ctx_, &raw) != REDIS_OK || !raw) {
        lost = true;
        break;
      }
      const auto* reply = static_cast<redisReply*>(raw);
      if (reply->type == REDIS_REPLY_ERROR && refused.empty())
        refused = argv[0] + ": " + std::string(reply->str, reply->len);
      replies.push_back(convert(reply));
      freeReplyObject(raw);
    }
    if (lost) {
      if (attempt > 0 || retry == Retry::kNever) throw_lost();
      redisFree(ctx_);
      ctx_ = nullptr;
      continue;
    }
    if (!refused.empty()) throw Error("state_error", "Redis refused " + refused, 500);
    return replies;
  }
}

}  // namespace yv::store::redis

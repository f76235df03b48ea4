// A connection to Redis: the thin RAII wrapper around hiredis that the Redis backends use.
//
// One connection serves one thread at a time (callers hold their own lock, as hiredis contexts are not
// thread-safe). Commands are argument vectors (binary-safe); replies come back as a small value type.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct redisContext;

namespace yv::store::redis {

struct Reply {
  enum class Type { kNil, kInteger, kString, kArray } type = Type::kNil;
  int64_t integer = 0;
  std::string text;          // kString (bulk or status)
  std::vector<Reply> items;  // kArray
};

// The EVAL command of one of our Lua scripts: `script` (its shared helpers and its body, concatenated), no
// KEYS (the scripts build key names from the prefix, so one Redis, not a cluster), then ARGV: `prefix`,
// `args`.
std::vector<std::string> eval(std::string script, const std::string& prefix, std::vector<std::string> args);

class Client {
 public:
  // url: "redis://[[user]:password@]host:port[/db]" (AUTH with the password, and the ACL user when given).
  // Throws yv::Error "state_unavailable" (503) when Redis cannot be reached or refuses the password.
  explicit Client(const std::string& url);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Whether command() may resend a command once after the connection was lost. Never inside MULTI/EXEC or
  // WATCH: the new connection has neither, so a resent command would run outside the transaction.
  enum class Retry { kOnce, kNever };

  // Runs one command. Throws yv::Error "state_unavailable" (503) when the connection fails and "state_error"
  // (500) for an error reply (a script error, a wrong type).
  Reply command(const std::vector<std::string>& argv, Retry retry = Retry::kOnce);
  // Sends `commands` together and reads their replies in order: one round trip for many reads. Throws as
  // command() does (after reading every reply); a resend after a lost connection resends them all.
  std::vector<Reply> pipeline(std::span<const std::vector<std::string>> commands, Retry retry = Retry::kOnce);
  // For a subscribed connection (one that SUBSCRIBE turned into a listener), where replies come among the
  // messages: send() sends a command without reading its reply; receive() returns the next message, or
  // nullopt when `timeout_ms` passed or `wake_fd` became readable first (another thread's way to end the
  // wait). Both throw "state_unavailable" when the connection is lost (it is not opened again: a new one has
  // no subscription).
  void send(const std::vector<std::string>& argv);
  std::optional<Reply> receive(int wake_fd, int timeout_ms);

 private:
  void connect();
  [[noreturn]] void throw_lost();  // drops the connection and throws "state_unavailable"
  std::vector<Reply> exchange(std::span<const std::vector<std::string>> commands, Retry retry);
  std::string user_, password_;
  std::string host_;
  int port_ = 6379;
  int db_ = 0;
  redisContext* ctx_ = nullptr;
};

}  // namespace yv::store::redis

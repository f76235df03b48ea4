// A thin RAII wrapper over SQLite: one connection, prepared statements, and IMMEDIATE transactions.
//
// The embedded deployment keeps all state and its job queue in one SQLite file shared by the API process and
// the worker processes. WAL mode lets readers proceed while one writer commits; every write that must be
// atomic runs in transaction(), which takes the write lock up front (BEGIN IMMEDIATE) so two processes never
// interleave a read-modify-write, and a busy timeout makes contenders wait instead of failing. No other file
// includes sqlite3.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace yv::sqlite {

class Statement {
 public:
  // A statement of its own, finalized at destruction.
  Statement(sqlite3* db, std::string_view sql);
  // A cached statement lent by Database::prepare; reset and returned at destruction.
  Statement(sqlite3* db, sqlite3_stmt* cached, bool* in_use);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are numbered from 1, as in SQLite. Each returns *this for chaining.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_null(int index);
  // NULL when there is no value.
  Statement& bind_optional(int index, const std::optional<std::string>& value);
  Statement& bind_optional(int index, const std::optional<double>& value);

  // Advances to the next row; false when there are no more. Throws yv::Error "disk_full" (507) when the disk
  // is full, "state_store_error" (503) on any other failure.
  bool step();
  // Runs a statement that returns no rows.
  void run() { step(); }

  // Columns are numbered from 0. REQUIRES: the last step() returned true.
  int64_t int_at(int column) const;
  double double_at(int column) const;
  std::string text_at(int column) const;
  std::optional<std::string> optional_text_at(int column) const;
  std::optional<double> optional_double_at(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool* in_use_ = nullptr;  // set for a cached statement
};

class Database {
 public:
  // Opens (creating if needed) the database file with WAL journaling and a busy timeout.
  // Throws yv::Error "state_store_error" (503) when the file cannot be opened.
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results (schema, pragmas).
  void exec(std::string_view sql);
  // Statements are compiled once per connection and reused (hot routes run the same few queries all the
  // time); a statement already in use by an enclosing loop gets a fresh copy.
  Statement prepare(std::string_view sql);
  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int64_t changes() const;

  // Runs f() in a read transaction (BEGIN DEFERRED): its reads see one consistent state, without taking the
  // write lock.
  template <class F>
  auto snapshot(F&& f) {
    return within("BEGIN", f);
  }

  // Runs f() between BEGIN IMMEDIATE and COMMIT; rolls back and rethrows if f throws. A write that finds the
  // disk full throws yv::Error "disk_full" (507) and changes nothing.
  template <class F>
  auto transaction(F&& f) {
    return within("BEGIN IMMEDIATE", f);
  }

 private:
  // f() between `begin` and COMMIT; rolls back and rethrows if it (or COMMIT) throws.
  template <class F>
  auto within(const char* begin, F& f) {
    exec(begin);
    try {
      if constexpr (std::is_void_v<decltype(f())>) {
        f();
        exec("COMMIT");
      } else {
        auto result = f();
        exec("COMMIT");
        return result;
      }
    } catch (...) {
      rollback();
      throw;
    }
  }
  // Ends the open transaction, unless SQLite ended it already (as it does after a full disk or an I/O error):
  // a second error here would hide the first.
  void rollback() noexcept;

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace yv::sqlite

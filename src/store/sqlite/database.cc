#include "store/sqlite/database.h"

#include <sqlite3.h>

#include <cerrno>

#include "core/error.h"

namespace yv::sqlite {
namespace {

// A full disk is named as such, so that clients and the operator know what happened and what to do; any
// other failure is the state store's. SQLite reports a full disk as SQLITE_FULL, or as an I/O error when
// the shared-memory index cannot grow.
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what, std::string_view why) {
  const std::string detail = std::string(what) + ": " + std::string(why);
  const bool full =
      (rc & 0xff) == SQLITE_FULL || ((rc & 0xff) == SQLITE_IOERR && db && sqlite3_system_errno(db) == ENOSPC);
  if (full) {
    throw Error("disk_full",
                "the disk of the state database is full; free space and try again (" + detail + ")", 507);
  }
  throw Error("state_store_error", detail, 503);
}

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  fail(db, rc, what, db ? sqlite3_errmsg(db) : "out of memory");
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (const int rc = sqlite3_prepare_v2(db_, sql.data(), int(sql.size()), &stmt_, nullptr); rc != SQLITE_OK) {
    fail(db_, rc, "prepare " + std::string(sql));
  }
}

Statement::Statement(sqlite3* db, sqlite3_stmt* cached, bool* in_use)
    : db_(db), stmt_(cached), in_use_(in_use) {
  *in_use_ = true;
}

Statement::~Statement() {
  if (!in_use_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);  // also ends its read of the database
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), int(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind_optional(int index, const std::optional<double>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, "step");
}

int64_t Statement::int_at(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::double_at(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::text_at(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), size_t(sqlite3_column_bytes(stmt_, column)))
              : "";
}

std::optional<double> Statement::optional_double_at(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return double_at(column);
}

std::optional<std::string> Statement::optional_text_at(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return text_at(column);
}

Database::Database(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw Error("state_store_error", "cannot open " + path + ": " + why, 503);
  }
  sqlite3_busy_timeout(db_, 10000);
  // synchronous=NORMAL with WAL loses no committed transaction on a process crash (only on power loss).
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
}

Database::~Database() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close(db_);
}

Statement Database::prepare(std::string_view sql) {
  auto [it, added] = cache_.try_emplace(std::string(sql));
  Cached& c = it->second;
  if (const int rc =
          added ? sqlite3_prepare_v2(db_, sql.data(), int(sql.size()), &c.stmt, nullptr) : SQLITE_OK;
      rc != SQLITE_OK) {
    cache_.erase(it);
    fail(db_, rc, "prepare " + std::string(sql));
  }
  if (c.in_use) return Statement(db_, sql);
  return Statement(db_, c.stmt, &c.in_use);
}

void Database::exec(std::string_view sql) {
  char* message = nullptr;
  if (const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
      rc != SQLITE_OK) {
    const std::string why = message ? message : "unknown error";
    sqlite3_free(message);
    fail(db_, rc, "exec", why);
  }
}

void Database::rollback() noexcept {
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

int64_t Database::changes() const { return sqlite3_changes64(db_); }

}  // namespace yv::sqlite

#include "http/auth_policy.h"

#include "core/error.h"

namespace yv::http::auth {

std::optional<Scope> required_scope(std::string_view method, std::string_view path) {
  if (method == "OPTIONS") return std::nullopt;
  const bool read = method == "GET" || method == "HEAD";
  if (read && (path == "/" || path == "/api/v1/monitoring/health" || path == "/v1/whoami" ||
               path == "/openapi.json" || path == "/docs" || path.starts_with("/docs/") ||
               path == "/studio" || path.starts_with("/studio/")))
    return std::nullopt;
  if (path == "/api/v1/monitoring/lock/release" || path == "/v1/keys" || path.starts_with("/v1/keys/"))
    return kAdmin;
  // The fleet as a whole (every worker, every node's statistics, the GPU leases, the limits) is the
  // operators'; a key's own task's heartbeat stays readable by it.
  if (path == "/api/v1/monitoring/heartbeat/all" || path == "/api/v1/monitoring/statistics" ||
      path == "/api/v1/monitoring/gpu-lock/status" || path == "/api/v1/monitoring/timeout/config")
    return kAdmin;
  if (path.starts_with("/v1/files/")) return method == "DELETE" ? kAdmin : kFiles;
  if (path == "/v1/uploads" || path.starts_with("/v1/uploads/")) return kFiles;  // a key's own sessions
  return read ? kRead : kSubmit;
}

const char* scope_name(Scope scope) {
  switch (scope) {
    case kRead:
      return "read";
    case kSubmit:
      return "submit";
    case kFiles:
      return "files";
    case kAdmin:
      return "admin";
  }
  return "";
}

namespace {
constexpr Scope kAll[] = {kRead, kSubmit, kFiles, kAdmin};
}  // namespace

unsigned parse_scopes(const std::vector<std::string>& names) {
  unsigned bits = 0;
  for (const auto& name : names) {
    unsigned bit = 0;
    for (Scope s : kAll) {
      if (name == scope_name(s)) bit = s;
    }
    if (!bit) throw Error("invalid_scope", "unknown scope '" + name + "' (read, submit, files, admin)", 400);
    bits |= bit;
  }
  if (!bits) throw Error("invalid_scope", "give at least one scope (read, submit, files, admin)", 400);
  return bits;
}

std::vector<std::string> scope_names(unsigned scopes) {
  std::vector<std::string> names;
  for (Scope s : kAll) {
    if (scopes & s) names.emplace_back(scope_name(s));
  }
  return names;
}

}  // namespace yv::http::auth

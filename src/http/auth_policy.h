// Which scope of API key each route needs (API keys: docs/architecture.md, "API keys").
//
// Decided from the method and path alone, with prefix tests rather than the route table's regular
// expressions: the connection loop asks for every request before routing, and the same answer documents each
// operation's `security` in the OpenAPI document, so the two cannot disagree. Paths may be concrete
// (/v1/workflows/abc) or the route table's templates (/v1/workflows/{workflow_id}).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yv::http::auth {

// Scopes are bits; `admin` holds every other one too.
enum Scope : unsigned {
  kRead = 1,    // status, lists, results, monitoring reads
  kSubmit = 2,  // workflows and tasks: submit and cancel
  kFiles = 4,   // upload and download
  kAdmin = 8,   // lock release, deletes, key management, fleet monitoring, and every key's records
};

// The scope `method` on `path` needs; nullopt for the routes anyone may call: GET / and the health check
// (probes and load balancers carry no key), the CORS preflight, the documentation and the studio (they
// describe the API but hold no data, and Swagger UI must load it before the user can enter a key), and
// /v1/whoami (which checks a key given to it itself).
std::optional<Scope> required_scope(std::string_view method, std::string_view path);

// "read", "submit", "files", "admin".
const char* scope_name(Scope scope);
// The bits of a list of scope names. Throws yv::Error "invalid_scope" (400) for an unknown name or an empty
// list.
unsigned parse_scopes(const std::vector<std::string>& names);
// The names of the bits in `scopes`, in the order above.
std::vector<std::string> scope_names(unsigned scopes);
// Whether a key holding `held` may use a route that needs `needed` (admin may use all).
inline bool allows(unsigned held, Scope needed) { return (held & kAdmin) || (held & needed); }

}  // namespace yv::http::auth

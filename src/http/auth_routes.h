// Key management over HTTP (/v1/keys: list, create, revoke), for holders of an `admin` key; the same as
// `yivideo keys` on the server (src/cli/keys_command.cc). With keys off these routes refuse (403): the
// first key is created on the server, so that nobody who merely reaches the port can turn keys on.
#pragma once

#include <nlohmann/json.hpp>

#include "http/auth_keys.h"
#include "http/router.h"

namespace yv::http {

void add_key_routes(Router& router, auth::KeyStore& keys);

// A key as lists show it: id, name, scopes, limits, created_at and revoked_at (ISO 8601), never its hash.
nlohmann::json key_json(const auth::KeyRecord& key);

}  // namespace yv::http

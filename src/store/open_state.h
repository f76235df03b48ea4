// Picks the state backend from its address: "redis://host:port[/db]" for the scale-out deployment
// (store/redis/redis_state_store.h), anything else is the path of the embedded SQLite database
// (store/sqlite/sqlite_state_store.h), created with its folder when missing.
#pragma once

#include <memory>
#include <string>

#include "store/state_store.h"

namespace yv::store {

// Throws yv::Error "state_unavailable" / "state_store_error" (503) when the backend cannot be opened.
std::unique_ptr<StateStore> open_state(const std::string& backend);

// True for a Redis address.
bool is_redis(const std::string& backend);

}  // namespace yv::store

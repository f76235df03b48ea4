#include "store/open_state.h"

#include <filesystem>

#include "store/redis/redis_state_store.h"
#include "store/sqlite/sqlite_state_store.h"

namespace yv::store {

bool is_redis(const std::string& backend) { return backend.starts_with("redis://"); }

std::unique_ptr<StateStore> open_state(const std::string& backend) {
  if (is_redis(backend)) return std::make_unique<RedisStateStore>(backend);
  const std::filesystem::path folder = std::filesystem::path(backend).parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder);
  return std::make_unique<SqliteStateStore>(backend);
}

}  // namespace yv::store

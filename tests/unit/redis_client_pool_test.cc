// The reader pool behind RedisStateStore (store/redis/client_pool.h): as many reads wait on Redis at once as
// it has connections, never more, and a connection lost is opened again by its next reader.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "store/redis/client_pool.h"
#include "support/redis_server.h"

namespace yv::store::redis {
namespace {

// Readers blocked in BLPOP right now, as Redis counts them.
int64_t blocked_clients(Client& admin) {
  const std::string info = admin.command({"INFO", "clients"}).text;
  const auto at = info.find("blocked_clients:");
  return std::stoll(info.substr(at + 16));
}

// Waits (up to 10 s) until Redis counts `n` blocked readers.
bool wait_for_blocked(Client& admin, int64_t n) {
  for (int i = 0; i < 1000; ++i) {
    if (blocked_clients(admin) == n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(ClientPoolTest, ReadsWaitOnRedisTogetherUpToThePoolSizeAndTheRestWaitForAConnection) {
  test::RedisServer redis;
  Client admin(redis.url());
  ClientPool pool(redis.url(), 3);
  std::vector<std::string> popped(5);
  std::vector<std::thread> readers;
  for (size_t i = 0; i < popped.size(); ++i) {
    readers.emplace_back([&, i] {
      popped[i] = pool.borrow()->command({"BLPOP", "items", "30"}).items.at(1).text;
    });
  }
  ASSERT_TRUE(wait_for_blocked(admin, 3)) << "three readers should wait on Redis at once";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(blocked_clients(admin), 3) << "a fourth connection was opened";
  admin.command({"RPUSH", "items", "a", "b", "c", "d", "e"});
  for (auto& t : readers) t.join();
  std::sort(popped.begin(), popped.end());
  EXPECT_EQ(popped, (std::vector<std::string>{"a", "b", "c", "d", "e"})) << "every reader got its turn";
}

TEST(ClientPoolTest, AConnectionLostWithRedisIsOpenedAgainByItsNextReader) {
  test::RedisServer redis;
  ClientPool pool(redis.url(), 2);
  pool.borrow()->command({"SET", "k", "1"});
  redis.restart();
  EXPECT_EQ(pool.borrow()->command({"GET", "k"}).text, "1");
}

TEST(ClientPoolTest, AReaderThatCannotConnectIsToldAndLeavesItsPlaceToOthers) {
  test::RedisServer redis;
  ClientPool pool(redis.url(), 1);
  redis.kill();
  for (int i = 0; i < 2; ++i) {
    try {
      pool.borrow();
      ADD_FAILURE() << "connected to a stopped Redis";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "state_unavailable");
    }
  }
  redis.start();
  EXPECT_EQ(pool.borrow()->command({"PING"}).text, "PONG") << "the failed attempts hold no place in the pool";
}

TEST(ClientPoolTest, TheSizeIsConfiguredByAPositiveNumber) {
  ::setenv("YIVIDEO_REDIS_READERS", "7", 1);
  EXPECT_EQ(ClientPool::configured_size(), 7u);
  for (const char* bad : {"0", "-1", "many"}) {
    ::setenv("YIVIDEO_REDIS_READERS", bad, 1);
    EXPECT_THROW(ClientPool::configured_size(), Error) << bad;
  }
  ::unsetenv("YIVIDEO_REDIS_READERS");
  EXPECT_GE(ClientPool::configured_size(), 4u);
}

}  // namespace
}  // namespace yv::store::redis

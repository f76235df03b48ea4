// Revisions kept until Redis reports a change (store/redis/revision_cache.h): a change by another connection
// is forgotten when its report arrives, a read in flight across a change is not kept, and nothing is kept
// while the reports cannot arrive (Redis down, or silent).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "store/redis/redis_client.h"
#include "store/redis/revision_cache.h"
#include "support/redis_server.h"

namespace yv::store::redis {
namespace {

// Whether `done` holds within 10 s (reports travel on their own connection and thread).
bool eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Keeps `revision` for `key` as soon as the cache takes it (once its reports flow).
bool kept(RevisionCache& cache, const std::string& key, double revision) {
  return eventually([&] {
    cache.keep(key, revision, cache.ticket());
    return cache.find(key) == revision;
  });
}

class RevisionCacheTest : public ::testing::Test {
 protected:
  test::RedisServer redis_;
  Client other_{redis_.url()};  // another process's connection
  RevisionCache cache_{redis_.url(), "p:wf:"};
};

TEST_F(RevisionCacheTest, ARevisionIsKeptUntilAnotherConnectionChangesItsRecord) {
  EXPECT_FALSE(cache_.find("p:wf:a"));
  ASSERT_TRUE(kept(cache_, "p:wf:a", 1.5));
  ASSERT_TRUE(kept(cache_, "p:wf:b", 2.5));
  other_.command({"SET", "p:other", "x"});
  other_.command({"SET", "q:wf:a", "x"});
  other_.command({"SET", "p:wf:a", "x"});
  EXPECT_TRUE(eventually([&] { return !cache_.find("p:wf:a"); })) << "the change was never reported";
  EXPECT_EQ(cache_.find("p:wf:b"), 2.5) << "only the changed record is forgotten";
}

TEST_F(RevisionCacheTest, AReadInFlightAcrossAChangeIsNotKept) {
  ASSERT_TRUE(kept(cache_, "p:wf:a", 1.0));
  const uint64_t before_change = cache_.ticket();
  other_.command({"SET", "p:wf:a", "x"});
  ASSERT_TRUE(eventually([&] { return !cache_.find("p:wf:a"); }));
  cache_.keep("p:wf:b", 2.0, before_change);
  EXPECT_FALSE(cache_.find("p:wf:b")) << "read before a change it may not have seen";

  const uint64_t before_forget = cache_.ticket();
  cache_.forget("p:wf:c");
  cache_.keep("p:wf:c", 3.0, before_forget);
  EXPECT_FALSE(cache_.find("p:wf:c")) << "read before this process's own change";
}

TEST_F(RevisionCacheTest, NothingIsKeptWhileRedisIsAwayAndTheCacheRestartsEmpty) {
  ASSERT_TRUE(kept(cache_, "p:wf:a", 1.0));
  redis_.kill();
  EXPECT_TRUE(eventually([&] { return !cache_.find("p:wf:a"); })) << "kept with no reports flowing";
  cache_.keep("p:wf:b", 2.0, cache_.ticket());
  EXPECT_FALSE(cache_.find("p:wf:b"));
  redis_.start();
  ASSERT_TRUE(kept(cache_, "p:wf:b", 2.0)) << "the reports never came back";
  other_.command({"SET", "p:wf:b", "x"});
  EXPECT_TRUE(eventually([&] { return !cache_.find("p:wf:b"); })) << "reports after the restart";
}

TEST_F(RevisionCacheTest, ARedisThatStopsAnsweringWithoutClosingIsGivenUp) {
  ASSERT_TRUE(kept(cache_, "p:wf:a", 1.0));
  redis_.pause();
  EXPECT_TRUE(eventually([&] { return !cache_.find("p:wf:a"); })) << "kept while no report could come";
  redis_.resume();
  EXPECT_TRUE(kept(cache_, "p:wf:a", 1.0)) << "the reports never came back";
}

TEST_F(RevisionCacheTest, AFlushOfRedisForgetsEverything) {
  ASSERT_TRUE(kept(cache_, "p:wf:a", 1.0));
  other_.command({"FLUSHALL"});
  EXPECT_TRUE(eventually([&] { return !cache_.find("p:wf:a"); }));
}

}  // namespace
}  // namespace yv::store::redis

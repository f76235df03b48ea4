// The lease manager's contract (store/lease_manager.h) on both backends: one holder at a time, lapse after
// the ttl, fencing of a lapsed or force-released holder, and the history monitoring shows.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "store/redis/redis_lease_manager.h"
#include "store/sqlite/sqlite_lease_manager.h"
#include "support/fixtures.h"
#include "support/redis_server.h"
#include "support/tcp_proxy.h"

namespace yv::store {
namespace {
namespace fs = std::filesystem;

class LeaseManagerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "redis") {
      if (!redis_) redis_ = std::make_unique<test::RedisServer>();
      prefix_ = "lease" + std::to_string(++tests_) + ":";
    } else {
      path_ = test::scratch_path("yivideo-leases") + ".db";
      fs::remove(path_);
    }
    leases_ = open();
  }
  void TearDown() override {
    leases_.reset();
    if (!path_.empty())
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_.string() + suffix);
  }
  // Another connection (as another process would have), on the test's clock.
  std::unique_ptr<LeaseManager> open() {
    const auto clock = [this] { return now_; };
    if (GetParam() == "redis") return std::make_unique<RedisLeaseManager>(redis_->url(), clock, prefix_);
    return std::make_unique<SqliteLeaseManager>(path_.string(), clock);
  }
  fs::path path_;
  std::string prefix_;
  double now_ = 1000.0;
  std::unique_ptr<LeaseManager> leases_;
  static inline std::unique_ptr<test::RedisServer> redis_;
  static inline int tests_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, LeaseManagerTest, ::testing::Values("sqlite", "redis"),
                         [](const auto& info) { return info.param; });

TEST_P(LeaseManagerTest, OneHolderAtATimeUntilReleased) {
  const auto other = open();
  const auto a = leases_->acquire("gpu_lock:0", "w1", "faster_whisper.transcribe_audio", 10);
  ASSERT_TRUE(a);
  EXPECT_FALSE(other->acquire("gpu_lock:0", "w2", "x", 10)) << "held";
  EXPECT_TRUE(other->acquire("gpu_lock:1", "w2", "x", 10)) << "another device is another lease";
  const auto held = other->current("gpu_lock:0");
  ASSERT_TRUE(held);
  EXPECT_EQ(held->holder, "w1");
  EXPECT_EQ(held->task_name, "faster_whisper.transcribe_audio");
  EXPECT_EQ(held->token, a->token);
  EXPECT_DOUBLE_EQ(held->expires_at, 1010);
  EXPECT_TRUE(leases_->release(*a));
  EXPECT_FALSE(leases_->release(*a)) << "released once";
  EXPECT_FALSE(other->current("gpu_lock:0"));
  const auto b = other->acquire("gpu_lock:0", "w2", "x", 10);
  ASSERT_TRUE(b);
  EXPECT_GT(b->token, a->token);
  EXPECT_EQ(leases_->keys(), (std::vector<std::string>{"gpu_lock:0", "gpu_lock:1"}));
}

TEST_P(LeaseManagerTest, RenewalsKeepItAndALapsedHolderIsFenced) {
  const auto a = leases_->acquire("gpu_lock:0", "w1", "x", 3);
  now_ += 2;
  ASSERT_TRUE(leases_->renew(*a, 3));
  now_ += 2;
  EXPECT_TRUE(leases_->current("gpu_lock:0")) << "renewed to 1005";
  EXPECT_FALSE(leases_->acquire("gpu_lock:0", "w2", "x", 3));
  now_ += 1.5;  // 1005.5: the holder died after its last renewal
  EXPECT_FALSE(leases_->current("gpu_lock:0"));
  const auto b = leases_->acquire("gpu_lock:0", "w2", "x", 3);
  ASSERT_TRUE(b);
  EXPECT_FALSE(leases_->renew(*a, 3)) << "the old holder wakes up and is refused";
  EXPECT_FALSE(leases_->release(*a));
  EXPECT_EQ(leases_->current("gpu_lock:0")->holder, "w2");
}

TEST_P(LeaseManagerTest, OperatorReleaseFencesTheHolderAndHistoryTellsTheStory) {
  const auto a = leases_->acquire("gpu_lock:0", "w1", "x", 30);
  const auto forced = open()->force_release("gpu_lock:0");
  ASSERT_TRUE(forced);
  EXPECT_EQ(forced->holder, "w1");
  EXPECT_FALSE(leases_->current("gpu_lock:0"));
  EXPECT_FALSE(leases_->renew(*a, 30)) << "fenced";
  EXPECT_FALSE(leases_->force_release("gpu_lock:0")) << "nothing left to release";
  now_ += 1;
  const auto b = leases_->acquire("gpu_lock:0", "w2", "y", 1);
  now_ += 5;
  leases_->acquire("gpu_lock:0", "w3", "z", 1);
  const auto events = leases_->history("gpu_lock:0", 10);
  std::vector<std::string> seen;
  for (const auto& e : events) seen.push_back(e.event + ":" + e.holder);
  EXPECT_EQ(seen, (std::vector<std::string>{"acquired:w3", "expired:w2", "acquired:w2", "forced:w1",
                                            "acquired:w1"}));
  EXPECT_EQ(events[1].token, b->token);
  EXPECT_EQ(leases_->history("gpu_lock:0", 2).size(), 2u);
}

// Redis took the lease but its answer was lost on the way: the client's resend gets the same lease back
// instead of finding the device held (by itself) until the lease lapses.
TEST(RedisLeaseManager, AcquisitionWhoseReplyWasLostIsAnsweredWithTheSameLease) {
  test::RedisServer redis;
  test::TcpProxy proxy(redis.port());
  RedisLeaseManager leases(redis.url_through(proxy.port()));
  proxy.lose_replies(1);
  const auto lease = leases.acquire("gpu_lock:0", "w1", "x", 30);
  ASSERT_TRUE(lease);
  EXPECT_EQ(leases.current("gpu_lock:0")->token, lease->token);
  EXPECT_EQ(leases.history("gpu_lock:0", 10).size(), 1u) << "taken once";
  EXPECT_FALSE(leases.acquire("gpu_lock:0", "w1", "x", 30)) << "a new acquisition still finds it held";
  EXPECT_TRUE(leases.release(*lease));
}

}  // namespace
}  // namespace yv::store

// The job queue's contract: at-least-once delivery through leases, exactly-once completion through fencing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include "core/error.h"
#include "store/redis/redis_job_queue.h"
#include "store/sqlite/sqlite_job_queue.h"
#include "support/fixtures.h"
#include "support/redis_server.h"
#include "support/tcp_proxy.h"

namespace yv::store {
namespace {
namespace fs = std::filesystem;

// Every test runs on both backends: "sqlite" (a database file) and "redis" (a real redis-server, one per test
// binary, each test under its own key prefix).
class JobQueueTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "redis") {
      if (!redis_) redis_ = std::make_unique<test::RedisServer>();
      prefix_ = "test" + std::to_string(++tests_) + ":";
      queue_ = open();
      return;
    }
    path_ = test::scratch_path("yivideo-queue") + ".db";
    fs::remove(path_);
    queue_ = open();
  }
  void TearDown() override {
    queue_.reset();
    if (!path_.empty())
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_.string() + suffix);
  }
  // Another connection to the same queue (as another process would have), on the test's clock.
  std::unique_ptr<JobQueue> open() {
    const auto clock = [this] { return now_; };
    if (GetParam() == "redis") return std::make_unique<RedisJobQueue>(redis_->url(), clock, prefix_);
    return std::make_unique<SqliteJobQueue>(path_.string(), clock);
  }
  fs::path path_;
  std::string prefix_;
  double now_ = 1000.0;
  std::unique_ptr<JobQueue> queue_;  // exercised through the interface every backend implements
  static inline std::unique_ptr<test::RedisServer> redis_;
  static inline int tests_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, JobQueueTest, ::testing::Values("sqlite", "redis"),
                         [](const auto& info) { return info.param; });

TEST_P(JobQueueTest, ClaimsOldestReadyJobOfTheWorkersQueues) {
  const auto gpu = queue_->enqueue("gpu", {{"n", 1}});
  const auto cpu1 = queue_->enqueue("cpu", {{"n", 2}});
  queue_->enqueue("cpu", {{"n", 3}});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->id, cpu1);
  EXPECT_EQ(job->payload["n"], 2);
  EXPECT_EQ(job->attempt, 1);
  EXPECT_EQ(queue_->claim({"gpu", "cpu"}, "w2", 30)->id, gpu);
}

TEST_P(JobQueueTest, EmptyQueueGivesNothing) { EXPECT_FALSE(queue_->claim({"cpu"}, "w1", 30)); }

TEST_P(JobQueueTest, LeasedJobIsNotClaimedTwice) {
  queue_->enqueue("cpu", {});
  ASSERT_TRUE(queue_->claim({"cpu"}, "w1", 30));
  EXPECT_FALSE(queue_->claim({"cpu"}, "w2", 30));
}

TEST_P(JobQueueTest, CompletionStoresTheResult) {
  const auto id = queue_->enqueue("cpu", {});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(queue_->complete(*job, {{"text", "hello"}}));
  const auto s = queue_->status(id);
  EXPECT_EQ(s.state, JobState::kDone);
  EXPECT_EQ((*s.result)["text"], "hello");
  EXPECT_FALSE(queue_->complete(*job, {{"text", "again"}})) << "a job completes once";
}

TEST_P(JobQueueTest, LapsedLeaseIsRedeliveredWithANewToken) {
  const auto id = queue_->enqueue("cpu", {});
  auto first = queue_->claim({"cpu"}, "w1", 30);
  now_ += 29;
  EXPECT_EQ(queue_->reap(), 0);
  now_ += 2;
  EXPECT_EQ(queue_->reap(), 1);
  auto second = queue_->claim({"cpu"}, "w2", 30);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, id);
  EXPECT_EQ(second->attempt, 2);
  EXPECT_NE(second->token, first->token);
}

TEST_P(JobQueueTest, StaleWorkerCannotHeartbeatCompleteOrFail) {
  const auto id = queue_->enqueue("cpu", {});
  auto stale = queue_->claim({"cpu"}, "w1", 30);
  now_ += 31;
  queue_->reap();
  auto current = queue_->claim({"cpu"}, "w2", 30);
  EXPECT_FALSE(queue_->heartbeat(*stale, 30));
  EXPECT_FALSE(queue_->complete(*stale, {{"by", "w1"}}));
  EXPECT_FALSE(queue_->fail(*stale, "boom", true));
  ASSERT_TRUE(queue_->complete(*current, {{"by", "w2"}}));
  EXPECT_EQ((*queue_->status(id).result)["by"], "w2");
}

TEST_P(JobQueueTest, StaleWorkerCannotCompleteARedeliveredJobBeforeItIsReclaimed) {
  queue_->enqueue("cpu", {});
  auto stale = queue_->claim({"cpu"}, "w1", 30);
  now_ += 31;
  queue_->reap();
  EXPECT_FALSE(queue_->complete(*stale, {}));
}

TEST_P(JobQueueTest, HeartbeatKeepsTheLease) {
  queue_->enqueue("cpu", {});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  now_ += 25;
  ASSERT_TRUE(queue_->heartbeat(*job, 30));
  now_ += 25;
  EXPECT_EQ(queue_->reap(), 0);
  EXPECT_TRUE(queue_->complete(*job, {}));
}

TEST_P(JobQueueTest, RetryableFailureWaitsItsDelay) {
  const auto id = queue_->enqueue("cpu", {}, {3});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(queue_->fail(*job, "transient", true, 10));
  EXPECT_EQ(queue_->status(id).state, JobState::kReady);
  EXPECT_FALSE(queue_->claim({"cpu"}, "w1", 30));
  now_ += 10;
  EXPECT_TRUE(queue_->claim({"cpu"}, "w1", 30));
}

TEST_P(JobQueueTest, NonRetryableFailureIsDeadAtOnce) {
  const auto id = queue_->enqueue("cpu", {}, {3});
  ASSERT_TRUE(queue_->fail(*queue_->claim({"cpu"}, "w1", 30), "bad input", false));
  const auto s = queue_->status(id);
  EXPECT_EQ(s.state, JobState::kDead);
  EXPECT_EQ(s.error, "bad input");
}

TEST_P(JobQueueTest, JobIsDeadLetteredAfterItsLastAttempt) {
  const auto id = queue_->enqueue("cpu", {}, {2});
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(queue_->claim({"cpu"}, "w", 30));
    now_ += 31;
    queue_->reap();
  }
  const auto s = queue_->status(id);
  EXPECT_EQ(s.state, JobState::kDead);
  EXPECT_EQ(s.attempts, 2);
  EXPECT_NE(s.error->find("lease expired"), std::string::npos);
  EXPECT_FALSE(queue_->claim({"cpu"}, "w", 30));
}

TEST_P(JobQueueTest, HeartbeatRecordsProgress) {
  const auto id = queue_->enqueue("cpu", {});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(queue_->heartbeat(*job, 30, 0.4));
  EXPECT_DOUBLE_EQ(queue_->status(id).progress, 0.4);
  ASSERT_TRUE(queue_->heartbeat(*job, 30));  // no progress given: the last one stays
  EXPECT_DOUBLE_EQ(queue_->status(id).progress, 0.4);
  ASSERT_TRUE(queue_->complete(*job, {}));
  EXPECT_DOUBLE_EQ(queue_->status(id).progress, 1.0);
}

TEST_P(JobQueueTest, HeartbeatRecordsPartialOutputUntilTheJobIsClaimedAgain) {
  using nlohmann::json;
  const auto id = queue_->enqueue("cpu", {}, {.max_attempts = 2});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  EXPECT_TRUE(queue_->status(id).partial.is_null());
  const json first = {{"segments", {{{"index", 0}, {"text", " And so"}}}}};
  ASSERT_TRUE(queue_->heartbeat(*job, 30, 0.2, first.dump()));
  EXPECT_EQ(queue_->status(id).partial, first);
  ASSERT_TRUE(queue_->heartbeat(*job, 30, 0.3));  // none given: the last one stays
  EXPECT_EQ(queue_->status(id).partial, first);
  ASSERT_TRUE(queue_->fail(*job, "boom", true));
  EXPECT_EQ(queue_->status(id).partial, first) << "kept after the attempt, for followers to catch up";
  job = queue_->claim({"cpu"}, "w2", 30);
  ASSERT_TRUE(job);
  EXPECT_TRUE(queue_->status(id).partial.is_null()) << "a new attempt starts with nothing told";
  const json second = {{"segments", {{{"index", 0}, {"text", " my fellow"}}}}};
  ASSERT_TRUE(queue_->heartbeat(*job, 30, std::nullopt, second.dump()));
  ASSERT_TRUE(queue_->complete(*job, {{"text", "done"}}));
  EXPECT_EQ(queue_->status(id).partial, second);
  EXPECT_FALSE(queue_->heartbeat(*job, 30, 0.5, first.dump())) << "a lost lease records nothing";
  EXPECT_EQ(queue_->status(id).partial, second);
}

TEST_P(JobQueueTest, CancelledJobIsNeverDeliveredAndItsWorkerIsRefused) {
  const auto queued = queue_->enqueue("cpu", {});
  ASSERT_TRUE(queue_->cancel(queued, "cancelled: by request"));
  EXPECT_EQ(queue_->status(queued).state, JobState::kCancelled);
  EXPECT_FALSE(queue_->claim({"cpu"}, "w1", 30));

  const auto running = queue_->enqueue("cpu", {});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(queue_->cancel(running, "cancelled: by request"));
  EXPECT_FALSE(queue_->heartbeat(*job, 30));  // the worker learns it must stop
  EXPECT_FALSE(queue_->complete(*job, {}));
  EXPECT_FALSE(queue_->fail(*job, "aborted", true));
  const auto s = queue_->status(running);
  EXPECT_EQ(s.state, JobState::kCancelled);
  EXPECT_EQ(s.error, "cancelled: by request");
  EXPECT_FALSE(queue_->cancel(running, "again"));  // already finished: nothing changes
}

TEST_P(JobQueueTest, AttemptPastItsTimeLimitIsFailedEvenWhileHeartbeating) {
  const auto id = queue_->enqueue("cpu", {}, {3, 60});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  for (int i = 0; i < 3; ++i) {
    now_ += 20;
    ASSERT_TRUE(queue_->heartbeat(*job, 30));
    EXPECT_EQ(queue_->reap(), 0);
  }
  now_ += 1;  // 61 s after the claim
  EXPECT_EQ(queue_->reap(), 1);
  EXPECT_FALSE(queue_->heartbeat(*job, 30));
  const auto s = queue_->status(id);
  EXPECT_EQ(s.state, JobState::kDead);  // a timeout is not retried: it would time out again
  EXPECT_TRUE(s.error->starts_with("task_timeout:")) << *s.error;
}

TEST_P(JobQueueTest, UnknownJobIs404) {
  try {
    queue_->status(12345);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "job_not_found");
  }
}

TEST_P(JobQueueTest, ConcurrentWorkersOnSeparateConnectionsNeverShareAJob) {
  constexpr int kJobs = 60;
  for (int i = 0; i < kJobs; ++i) queue_->enqueue("cpu", {{"n", i}});
  std::vector<std::vector<int64_t>> claimed(3);
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([&, w] {
      const std::unique_ptr<JobQueue> own = open();  // each worker process has its own connection
      const std::string name = "worker-" + std::to_string(w);
      while (auto job = own->claim({"cpu"}, name, 30)) {
        claimed[w].push_back(job->id);
        own->complete(*job, {});
      }
    });
  }
  for (auto& t : workers) t.join();
  std::set<int64_t> all;
  size_t total = 0;
  for (const auto& ids : claimed) {
    all.insert(ids.begin(), ids.end());
    total += ids.size();
  }
  EXPECT_EQ(total, size_t(kJobs));
  EXPECT_EQ(all.size(), size_t(kJobs));
}

// Redis with AOF killed (-9) and restarted in the middle of work: queued and leased jobs are all still there,
// and the worker holding a lease completes it through a new connection.
TEST(RedisJobQueue, SurvivesAKilledAndRestartedRedis) {
  test::RedisServer redis;
  RedisJobQueue queue(redis.url());
  const auto first = queue.enqueue("cpu", {{"n", 1}}, {});
  const auto second = queue.enqueue("cpu", {{"n", 2}}, {});
  const auto job = queue.claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(job);
  redis.restart();
  EXPECT_TRUE(queue.heartbeat(*job, 30, 0.5));  // the client reconnects by itself
  EXPECT_TRUE(queue.complete(*job, {{"ok", true}}));
  EXPECT_EQ(queue.status(first).state, JobState::kDone);
  const auto next = queue.claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id, second);
}

// Redis ran a command but its answer never came back (the connection was cut in between): sent again, each
// command changes nothing more, and a claim answers the job it leased the first time rather than leasing a
// second one and leaving the first to lapse and run again.
TEST(RedisJobQueue, CommandsWhoseRepliesWereLostAreAnsweredAsTheFirstTime) {
  test::RedisServer redis;
  test::TcpProxy proxy(redis.port());
  RedisJobQueue direct(redis.url());
  RedisJobQueue queue(redis.url_through(proxy.port()));
  const int64_t first = queue.enqueue("cpu", {{"n", 1}}, {});
  const int64_t second = direct.enqueue("cpu", {{"n", 2}}, {});

  proxy.lose_replies(1);  // the client's one reconnect sends the claim again at once
  const auto job = queue.claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->id, first);
  EXPECT_EQ(job->attempt, 1);
  EXPECT_EQ(direct.status(first).attempts, 1);

  proxy.lose_replies(1);
  EXPECT_TRUE(queue.complete(*job, {{"ok", true}})) << "the resent completion found its own result";
  EXPECT_EQ(direct.status(first).state, JobState::kDone);

  // Redis stays away after running the claim: the claim fails, and the worker's next one finds its job.
  proxy.lose_replies(1);
  proxy.cut_new_connections(true);
  try {
    queue.claim({"cpu"}, "w1", 30);
    ADD_FAILURE() << "the claim was answered";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "state_unavailable");
  }
  EXPECT_EQ(direct.status(second).state, JobState::kLeased) << "Redis did run the claim";
  EXPECT_FALSE(direct.claim({"cpu"}, "w2", 30));
  proxy.cut_new_connections(false);
  const auto again = queue.claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, second);
  EXPECT_EQ(again->attempt, 1);
  EXPECT_EQ(direct.status(second).attempts, 1);
  EXPECT_TRUE(queue.complete(*again, {{"ok", true}}));

  // An enqueue sent again does not put back a job that was claimed in between.
  const int64_t id = direct.next_id();
  const auto enqueue = direct.enqueue_command(id, "cpu", {{"n", 3}}, {});
  redis::Client raw(redis.url());
  raw.command(enqueue);
  const auto third = direct.claim({"cpu"}, "w2", 30);
  ASSERT_TRUE(third);
  raw.command(enqueue);
  EXPECT_EQ(direct.status(id).state, JobState::kLeased);
  EXPECT_FALSE(direct.claim({"cpu"}, "w3", 30));
}

}  // namespace
}  // namespace yv::store

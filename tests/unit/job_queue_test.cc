// The job queue's contract: at-least-once delivery through leases, exactly-once completion through fencing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "core/error.h"
#include "store/sqlite/sqlite_job_queue.h"
#include "support/fixtures.h"

namespace yv::store {
namespace {
namespace fs = std::filesystem;

class JobQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = test::scratch_path("yivideo-queue") + ".db";
    fs::remove(path_);
    queue_ = std::make_unique<SqliteJobQueue>(path_.string(), [this] { return now_; });
  }
  void TearDown() override {
    queue_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_.string() + suffix);
  }
  fs::path path_;
  double now_ = 1000.0;
  std::unique_ptr<JobQueue> queue_;  // exercised through the interface every backend implements
};

TEST_F(JobQueueTest, ClaimsOldestReadyJobOfTheWorkersQueues) {
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

TEST_F(JobQueueTest, EmptyQueueGivesNothing) { EXPECT_FALSE(queue_->claim({"cpu"}, "w1", 30)); }

TEST_F(JobQueueTest, LeasedJobIsNotClaimedTwice) {
  queue_->enqueue("cpu", {});
  ASSERT_TRUE(queue_->claim({"cpu"}, "w1", 30));
  EXPECT_FALSE(queue_->claim({"cpu"}, "w2", 30));
}

TEST_F(JobQueueTest, CompletionStoresTheResult) {
  const auto id = queue_->enqueue("cpu", {});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(queue_->complete(*job, {{"text", "hello"}}));
  const auto s = queue_->status(id);
  EXPECT_EQ(s.state, JobState::kDone);
  EXPECT_EQ((*s.result)["text"], "hello");
  EXPECT_FALSE(queue_->complete(*job, {{"text", "again"}})) << "a job completes once";
}

TEST_F(JobQueueTest, LapsedLeaseIsRedeliveredWithANewToken) {
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

TEST_F(JobQueueTest, StaleWorkerCannotHeartbeatCompleteOrFail) {
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

TEST_F(JobQueueTest, StaleWorkerCannotCompleteARedeliveredJobBeforeItIsReclaimed) {
  queue_->enqueue("cpu", {});
  auto stale = queue_->claim({"cpu"}, "w1", 30);
  now_ += 31;
  queue_->reap();
  EXPECT_FALSE(queue_->complete(*stale, {}));
}

TEST_F(JobQueueTest, HeartbeatKeepsTheLease) {
  queue_->enqueue("cpu", {});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  now_ += 25;
  ASSERT_TRUE(queue_->heartbeat(*job, 30));
  now_ += 25;
  EXPECT_EQ(queue_->reap(), 0);
  EXPECT_TRUE(queue_->complete(*job, {}));
}

TEST_F(JobQueueTest, RetryableFailureWaitsItsDelay) {
  const auto id = queue_->enqueue("cpu", {}, {3});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(queue_->fail(*job, "transient", true, 10));
  EXPECT_EQ(queue_->status(id).state, JobState::kReady);
  EXPECT_FALSE(queue_->claim({"cpu"}, "w1", 30));
  now_ += 10;
  EXPECT_TRUE(queue_->claim({"cpu"}, "w1", 30));
}

TEST_F(JobQueueTest, NonRetryableFailureIsDeadAtOnce) {
  const auto id = queue_->enqueue("cpu", {}, {3});
  ASSERT_TRUE(queue_->fail(*queue_->claim({"cpu"}, "w1", 30), "bad input", false));
  const auto s = queue_->status(id);
  EXPECT_EQ(s.state, JobState::kDead);
  EXPECT_EQ(s.error, "bad input");
}

TEST_F(JobQueueTest, JobIsDeadLetteredAfterItsLastAttempt) {
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

TEST_F(JobQueueTest, HeartbeatRecordsProgress) {
  const auto id = queue_->enqueue("cpu", {});
  auto job = queue_->claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(queue_->heartbeat(*job, 30, 0.4));
  EXPECT_DOUBLE_EQ(queue_->status(id).progress, 0.4);
  ASSERT_TRUE(queue_->heartbeat(*job, 30));  // no progress given: the last one stays
  EXPECT_DOUBLE_EQ(queue_->status(id).progress, 0.4);
  ASSERT_TRUE(queue_->complete(*job, {}));
  EXPECT_DOUBLE_EQ(queue_->status(id).progress, 1.0);
}

TEST_F(JobQueueTest, CancelledJobIsNeverDeliveredAndItsWorkerIsRefused) {
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

TEST_F(JobQueueTest, AttemptPastItsTimeLimitIsFailedEvenWhileHeartbeating) {
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

TEST_F(JobQueueTest, UnknownJobIs404) {
  try {
    queue_->status(12345);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "job_not_found");
  }
}

TEST_F(JobQueueTest, ConcurrentWorkersOnSeparateConnectionsNeverShareAJob) {
  constexpr int kJobs = 60;
  for (int i = 0; i < kJobs; ++i) queue_->enqueue("cpu", {{"n", i}});
  std::vector<std::vector<int64_t>> claimed(3);
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([&, w] {
      SqliteJobQueue own(path_.string());  // each worker process has its own connection
      const std::string name = "worker-" + std::to_string(w);
      while (auto job = own.claim({"cpu"}, name, 30)) {
        claimed[w].push_back(job->id);
        own.complete(*job, {});
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

}  // namespace
}  // namespace yv::store

// `yivideo worker` processes, run for real against a shared SQLite queue, including one killed mid-job.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/wer.h"
#include "store/redis/redis_job_queue.h"
#include "store/sqlite/sqlite_job_queue.h"
#include "support/fixtures.h"
#include "support/redis_server.h"
#include "support/subprocess.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = scratch_path("yivideo-worker");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "state.db").string();
    queue_ = std::make_unique<store::SqliteJobQueue>(db_);
  }
  void TearDown() override {
    queue_.reset();
    fs::remove_all(dir_);
  }
  std::vector<std::string> worker_args(const std::string& name, const std::string& lease) {
    return {YIVIDEO_BIN, "worker", "--db",       db_, "--name",     name,
            "--lease",   lease,    "--max-jobs", "1", "--work-dir", (dir_ / "work").string()};
  }
  int64_t enqueue_transcription(const std::string& media) {
    return queue_->enqueue("cpu", {{"task_name", "faster_whisper.transcribe_audio"},
                                   {"params", {{"video_path", media}, {"beam_size", 1}}}});
  }
  fs::path dir_;
  std::string db_;
  std::unique_ptr<store::JobQueue> queue_;
};

TEST_F(WorkerTest, TranscribesAQueuedJobAndStoresItsOutputs) {
  const auto id = enqueue_transcription(shared_fixture("jfk.wav"));
  const auto r = run_process(worker_args("w1", "30"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = queue_->status(id);
  ASSERT_EQ(s.state, store::JobState::kDone) << s.error.value_or("");
  EXPECT_EQ(s.attempts, 1);
  const auto& out = *s.result;
  EXPECT_LE(word_error_rate(read_text(shared_fixture("jfk.txt")), out["text"].get<std::string>()).rate, 0.10)
      << out.dump();
  EXPECT_EQ(out["language"], "en");
  EXPECT_TRUE(fs::exists(out["segments_file"].get<std::string>()));
}

TEST_F(WorkerTest, UserErrorIsDeadLetteredWithoutRetry) {
  const auto id = enqueue_transcription("/nonexistent/clip.mp4");
  ASSERT_EQ(run_process(worker_args("w1", "30")).exit_code, 0);
  const auto s = queue_->status(id);
  EXPECT_EQ(s.state, store::JobState::kDead);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_NE(s.error->find("file_not_found"), std::string::npos) << *s.error;
}

TEST_F(WorkerTest, JobOfAKilledWorkerIsRerunAndCompletedOnce) {
  const auto id = enqueue_transcription(synth_fixture("meeting.mp4"));
  {
    ChildProcess doomed(worker_args("doomed", "1"));
    // Kill it the moment it holds the job, long before a 20 s clip can be transcribed.
    for (int i = 0; i < 500 && queue_->status(id).state != store::JobState::kLeased; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(queue_->status(id).state, store::JobState::kLeased);
    EXPECT_EQ(doomed.stop(SIGKILL), 128 + SIGKILL);
  }
  EXPECT_EQ(queue_->status(id).worker, "doomed");
  // The survivor's own lease is long, so a slow machine cannot make it lose the job it took over.
  const auto r = run_process(worker_args("survivor", "30"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = queue_->status(id);
  ASSERT_EQ(s.state, store::JobState::kDone) << s.error.value_or("");
  EXPECT_EQ(s.attempts, 2);
  EXPECT_EQ(s.worker, "survivor");
  EXPECT_LE(
      word_error_rate(read_text(synth_fixture("meeting.txt")), (*s.result)["text"].get<std::string>()).rate,
      0.15);
}

// Redis goes away while a node runs and comes back after the node ended: the worker waits for it and
// commits the result, rather than failing the job for the outage and running it a second time.
TEST(WorkerOnRedisTest, ResultOfANodeThatEndsWhileRedisIsDownIsCommittedWhenItComesBack) {
  RedisServer redis;
  const fs::path dir = scratch_path("yivideo-worker-outage");
  fs::remove_all(dir);
  fs::create_directories(dir);
  store::RedisJobQueue queue(redis.url());
  const auto id = queue.enqueue(  // seconds of work on 2 cores
      "cpu",
      {{"task_name", "faster_whisper.transcribe_audio"},
       {"params", {{"video_path", synth_fixture("meeting.mp4")}, {"beam_size", 5}}}},
      {});
  const std::string log = (dir / "worker.log").string();
  ChildProcess worker({YIVIDEO_BIN, "worker", "--backend", redis.url(), "--name", "w1", "--lease", "30",
                       "--max-jobs", "1", "--work-dir", (dir / "work").string()},
                      {}, log);
  const auto until = [](const auto& done, int seconds) {
    for (int i = 0; i < seconds * 20 && !done(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return done();
  };
  ASSERT_TRUE(until([&] { return queue.status(id).state == store::JobState::kLeased; }, 60));
  redis.kill();
  // The worker tells when the node has ended and its commit is waiting for the state.
  ASSERT_TRUE(until([&] { return read_text(log).find("retrying") != std::string::npos; }, 120))
      << read_text(log);
  redis.start();
  ASSERT_TRUE(until([&] { return !worker.alive(); }, 120)) << read_text(log);
  const auto s = queue.status(id);
  ASSERT_EQ(s.state, store::JobState::kDone) << s.error.value_or("") << "\n" << read_text(log);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_LE(
      word_error_rate(read_text(synth_fixture("meeting.txt")), (*s.result)["text"].get<std::string>()).rate,
      0.15);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace yv::test

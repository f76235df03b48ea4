// The state store's contract (store/state_store.h), on both backends: records commit with the jobs and
// callbacks of their update or not at all, concurrent writers never lose an update, and the listings the
// services page through.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "core/error.h"
#include "store/redis/redis_state_store.h"
#include "store/sqlite/database.h"
#include "store/sqlite/sqlite_state_store.h"
#include "support/fixtures.h"
#include "support/redis_server.h"

namespace yv::store {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// "sqlite" (a database file) and "redis" (a real redis-server, one per test binary, each test under its own
// key prefix).
class StateStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "redis") {
      if (!redis_) redis_ = std::make_unique<test::RedisServer>();
      prefix_ = "state" + std::to_string(++tests_) + ":";
    } else {
      path_ = test::scratch_path("yivideo-state") + ".db";
      fs::remove(path_);
    }
    state_ = open();
  }
  void TearDown() override {
    state_.reset();
    if (!path_.empty())
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_.string() + suffix);
  }
  // Another connection to the same state (as another process would have), on the test's clock.
  std::unique_ptr<StateStore> open() {
    const auto clock = [this] { return now_.load(); };
    if (GetParam() == "redis") return std::make_unique<RedisStateStore>(redis_->url(), clock, prefix_);
    return std::make_unique<SqliteStateStore>(path_.string(), clock);
  }

  // Creates a running workflow of `stages` pending stages; returns it as written.
  WorkflowRecord create(const std::string& id, int stages, double created_at = 1000) {
    WorkflowRecord w;
    w.id = id;
    w.request = {{"n", 0}};
    w.created_at = w.updated_at = created_at;
    w.callback = CallbackTarget{"http://h/" + id, "Authorization: Bearer " + id};
    w.stages.resize(stages);
    for (auto& s : w.stages) s.task_name = "ffmpeg.extract_audio";
    state_->update_workflow(id, [&](std::optional<WorkflowRecord>& stored, Changes&) { stored = w; });
    return w;
  }

  fs::path path_;
  std::string prefix_;
  std::atomic<double> now_ = 1000.0;
  std::unique_ptr<StateStore> state_;
  static inline std::unique_ptr<test::RedisServer> redis_;
  static inline int tests_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, StateStoreTest, ::testing::Values("sqlite", "redis"),
                         [](const auto& info) { return info.param; });

TEST_P(StateStoreTest, WorkflowRecordRoundTripsWithItsStages) {
  WorkflowRecord w = create("wf-1", 3);
  EXPECT_FALSE(state_->workflow("wf-2"));
  ASSERT_EQ(state_->workflow("wf-1"), w);
  EXPECT_EQ(state_->running_workflows(), std::vector<std::string>{"wf-1"});

  state_->update_workflow("wf-1", [](std::optional<WorkflowRecord>& stored, Changes&) {
    stored->stages[0].status = "completed";
    stored->stages[0].output = {{"audio_path", "/share/a.wav"}};
    stored->stages[1].error = "x";
    stored->stages[1].history.push_back({{"status", "failed"}});
    stored->stages.pop_back();
    stored->status = "failed";
    stored->error = "stage_1 failed";
    stored->callback = CallbackTarget{"http://example.com/hook", std::nullopt};
  });
  const auto read = state_->workflow("wf-1");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->stages.size(), 2u);
  EXPECT_EQ(read->stages[0].output["audio_path"], "/share/a.wav");
  EXPECT_EQ(read->stages[1].history.size(), 1u);
  EXPECT_EQ(read->error, "stage_1 failed");
  EXPECT_EQ(read->callback, (CallbackTarget{"http://example.com/hook", std::nullopt}));
  EXPECT_TRUE(state_->running_workflows().empty()) << "a failed workflow is no longer running";
}

TEST_P(StateStoreTest, EveryChangeOfARecordAdvancesItsRevision) {
  EXPECT_FALSE(state_->workflow_revision("wf-1")) << "no workflow, no revision";
  const WorkflowRecord w = create("wf-1", 1);
  ASSERT_EQ(state_->workflow_revision("wf-1"), w.updated_at);
  // A writer that leaves updated_at as it was (or sets it back) still makes a new revision.
  state_->update_workflow("wf-1", [](std::optional<WorkflowRecord>& stored, Changes&) {
    stored->stages[0].status = "completed";
  });
  const auto changed = state_->workflow_revision("wf-1");
  ASSERT_TRUE(changed);
  EXPECT_GT(*changed, w.updated_at);
  EXPECT_EQ(state_->workflow("wf-1")->updated_at, *changed)
      << "the revision is the record's updated_at, exactly";
  state_->update_workflow("wf-1", [&](std::optional<WorkflowRecord>& stored, Changes&) {
    stored->status = "completed";
    stored->updated_at = w.updated_at;
  });
  EXPECT_GT(state_->workflow_revision("wf-1"), changed);
  const auto settled = state_->workflow_revision("wf-1");
  state_->update_workflow("wf-1", [](std::optional<WorkflowRecord>&, Changes&) {});
  EXPECT_EQ(state_->workflow_revision("wf-1"), settled)
      << "an update that changes nothing keeps the revision";
}

// Another process's change shows in the revision: at once on SQLite, once Redis has reported it on Redis (the
// revision is kept until then), so a gateway never serves a view older than that report.
TEST_P(StateStoreTest, AChangeThroughAnotherConnectionShowsInTheRevision) {
  const WorkflowRecord w = create("wf-1", 1);
  const std::unique_ptr<StateStore> other = open();
  for (int i = 0; i < 50; ++i) ASSERT_EQ(state_->workflow_revision("wf-1"), w.updated_at);
  other->update_workflow(
      "wf-1", [](std::optional<WorkflowRecord>& stored, Changes&) { stored->status = "cancelled"; });
  const auto changed = other->workflow_revision("wf-1");
  ASSERT_GT(changed, w.updated_at);
  bool shown = false;
  for (int i = 0; i < 1000 && !shown; ++i) {
    shown = state_->workflow_revision("wf-1") == changed;
    if (!shown) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(shown) << "the old revision was still served 10 s after the change";
}

TEST_P(StateStoreTest, JobsQueuedByAnUpdateCommitWithItsRecord) {
  create("wf-1", 1);
  state_->update_workflow("wf-1", [](std::optional<WorkflowRecord>& w, Changes& changes) {
    w->stages[0].job_id = changes.enqueue("cpu", {{"stage", 0}}, {});
    w->stages[0].status = "queued";
  });
  const auto job = state_->queue().claim({"cpu"}, "w1", 30);
  ASSERT_TRUE(job);
  EXPECT_EQ(state_->workflow("wf-1")->stages[0].job_id, job->id);
  EXPECT_EQ(state_->job(job->id).state, JobState::kLeased);

  state_->update_workflow("wf-1", [&](std::optional<WorkflowRecord>& w, Changes& changes) {
    changes.cancel(job->id, "cancelled by request");
    w->status = "cancelled";
  });
  EXPECT_EQ(state_->job(job->id).state, JobState::kCancelled);
  EXPECT_FALSE(state_->queue().heartbeat(*job, 30)) << "the worker learns of the cancellation";
}

TEST_P(StateStoreTest, AnUpdateThatThrowsWritesAndQueuesNothing) {
  create("wf-1", 1);
  EXPECT_THROW(state_->update_workflow("wf-1",
                                       [](std::optional<WorkflowRecord>& w, Changes& changes) {
                                         w->stages[0].job_id = changes.enqueue("cpu", {}, {});
                                         w->status = "completed";
                                         throw Error("workflow_running", "refused", 409);
                                       }),
               Error);
  EXPECT_EQ(state_->workflow("wf-1")->status, "running");
  EXPECT_EQ(state_->workflow("wf-1")->stages[0].job_id, 0);
  EXPECT_FALSE(state_->queue().claim({"cpu"}, "w1", 30)) << "the job of an aborted update was never queued";
  EXPECT_FALSE(state_->workflow("wf-9"));
  state_->update_workflow("wf-9", [](std::optional<WorkflowRecord>&, Changes&) {});
  EXPECT_FALSE(state_->workflow("wf-9")) << "an update that leaves no record writes none";
}

TEST_P(StateStoreTest, ConcurrentWritersOnSeparateConnectionsNeverLoseAnUpdate) {
  create("wf-1", 1);
  constexpr int kWriters = 4, kEach = 25;
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([this] {
      const auto own = open();  // as another process would
      for (int n = 0; n < kEach; ++n) {
        own->update_workflow("wf-1", [](std::optional<WorkflowRecord>& w, Changes& changes) {
          w->request["n"] = w->request["n"].get<int>() + 1;
          changes.enqueue("cpu", {}, {});
        });
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(state_->workflow("wf-1")->request["n"], kWriters * kEach);
  int jobs = 0;
  while (state_->queue().claim({"cpu"}, "w1", 30)) ++jobs;
  EXPECT_EQ(jobs, kWriters * kEach) << "one job per committed update: none from a rerun, none lost";
}

TEST_P(StateStoreTest, WorkflowsAreListedNewestFirstByTimeThenId) {
  create("a", 1, 10);
  create("b", 1, 20);
  create("c", 1, 20);
  create("d", 1, 30);
  const auto ids = [](const std::vector<WorkflowRecord>& page) {
    std::vector<std::string> out;
    for (const auto& w : page) out.push_back(w.id);
    return out;
  };
  EXPECT_EQ(ids(state_->workflows_before(1e300, "\x7f", 10)), (std::vector<std::string>{"d", "c", "b", "a"}));
  EXPECT_EQ(ids(state_->workflows_before(1e300, "\x7f", 2)), (std::vector<std::string>{"d", "c"}));
  EXPECT_EQ(ids(state_->workflows_before(20, "c", 2)), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(state_->workflows_before(10, "a", 2).empty());
}

TEST_P(StateStoreTest, TasksRoundTripAndNotifyMarksAreListed) {
  state_->update_task("t-1", [](std::optional<TaskRecord>& t, Changes& changes) {
    t = TaskRecord{"t-1",
                   "ffmpeg.extract_audio",
                   "{}",
                   changes.enqueue("cpu", {}, {}),
                   CallbackTarget{"http://h/x", "X-Token: t"},
                   true,
                   5};
  });
  const auto t = state_->task("t-1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->callback, (CallbackTarget{"http://h/x", "X-Token: t"}));
  EXPECT_EQ(state_->job(t->job_id).state, JobState::kReady);
  EXPECT_FALSE(state_->task("t-2"));
  EXPECT_EQ(state_->to_notify("task"), std::vector<std::string>{"t-1"});
  state_->update_task("t-1", [](std::optional<TaskRecord>& t, Changes&) { t->notify = false; });
  EXPECT_TRUE(state_->to_notify("task").empty());
}

TEST_P(StateStoreTest, CallbacksAreClaimedByOneDelivererAtATime) {
  create("wf-1", 1);
  state_->update_workflow("wf-1", [](std::optional<WorkflowRecord>& w, Changes& changes) {
    changes.add_callback("workflow", "wf-1", {"http://h/x", "Authorization: Bearer b"},
                         {{"status", "completed"}});
    w->notify = false;
  });
  const auto other = open();
  const auto claimed = state_->claim_callbacks(now_, 10, 60);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].target, (CallbackTarget{"http://h/x", "Authorization: Bearer b"}));
  EXPECT_EQ(json::parse(claimed[0].body)["status"], "completed");
  EXPECT_TRUE(json::parse(claimed[0].body).contains("timestamp"));
  EXPECT_TRUE(other->claim_callbacks(now_, 10, 60).empty()) << "claimed by the first deliverer";
  EXPECT_EQ(state_->latest_callback("workflow", "wf-1")->status, "pending");

  CallbackRecord attempt = claimed[0];
  attempt.attempts = 1;
  attempt.last_error = "HTTP 500";
  attempt.next_at = now_ + 2;
  state_->record_attempt(attempt);
  EXPECT_TRUE(other->claim_callbacks(now_ + 1, 10, 60).empty());
  ASSERT_EQ(other->claim_callbacks(now_ + 2, 10, 60).size(), 1u) << "due again after its back-off";
  attempt.status = "delivered";
  attempt.delivered_at = now_ + 2;
  attempt.last_error.reset();
  other->record_attempt(attempt);
  EXPECT_TRUE(state_->claim_callbacks(now_ + 1000, 10, 60).empty());
  const auto latest = state_->latest_callback("workflow", "wf-1");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->status, "delivered");
  EXPECT_EQ(latest->attempts, 1);
  EXPECT_FALSE(state_->latest_callback("workflow", "wf-2"));
  EXPECT_EQ(state_->statistics().callbacks["delivered"], 1);
}

TEST_P(StateStoreTest, StatisticsCountQueuesRunsAndWorkflows) {
  create("wf-1", 1);
  for (int i = 0; i < 3; ++i) state_->queue().enqueue("cpu", {{"task_name", "ffmpeg.extract_audio"}}, {});
  const auto job = state_->queue().claim({"cpu"}, "w1", 30);
  now_ = now_ + 4;
  ASSERT_TRUE(state_->queue().complete(*job, {}));
  state_->queue().claim({"cpu"}, "w1", 30);
  const Statistics s = state_->statistics();
  EXPECT_EQ((s.queue_depth.at({"cpu", "ready"})), 1);
  EXPECT_EQ((s.queue_depth.at({"cpu", "leased"})), 1);
  EXPECT_EQ(state_->queue_depth(), s.queue_depth) << "the cheap count the health check uses";
  const auto& done = s.node_runs.at({"ffmpeg.extract_audio", "done"});
  EXPECT_EQ(done.runs, 1);
  EXPECT_EQ(done.attempts, 1);
  ASSERT_EQ(done.seconds.size(), 1u);
  EXPECT_DOUBLE_EQ(done.seconds[0], 4.0);
  EXPECT_EQ(s.workflows.at("running"), 1);
}

// Redis reads the records a page at a time: counts must not stop at a page's end.
TEST_P(StateStoreTest, StatisticsCountEveryRecordPastOnePage) {
  constexpr int kJobs = 1'100, kWorkflows = 520;
  for (int i = 0; i < kJobs; ++i) {
    const int64_t id = state_->queue().enqueue("cpu", {{"task_name", "ffmpeg.extract_audio"}}, {});
    ASSERT_TRUE(state_->queue().cancel(id, "withdrawn"));
  }
  for (int i = 0; i < kWorkflows; ++i) create("wf-" + std::to_string(i), 1);
  const Statistics s = state_->statistics();
  EXPECT_EQ(s.node_runs.at({"ffmpeg.extract_audio", "cancelled"}).runs, kJobs);
  EXPECT_EQ(s.workflows.at("running"), kWorkflows);
}

// Pipelined commands come back in order; an error among them is raised after every reply was read, so the
// connection is still in step for the next command.
TEST(RedisClientTest, PipelineAnswersInOrderAndStaysInStepAfterAnError) {
  test::RedisServer redis;
  redis::Client client(redis.url());
  using Commands = std::vector<std::vector<std::string>>;
  const auto replies = client.pipeline(Commands{{"SET", "a", "1"}, {"INCR", "a"}, {"GET", "a"}});
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[1].integer, 2);
  EXPECT_EQ(replies[2].text, "2");
  try {
    client.pipeline(Commands{{"INCR", "a"}, {"LPUSH", "a", "x"}, {"INCR", "a"}});
    ADD_FAILURE() << "a wrong type was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "state_error");
    EXPECT_NE(e.detail().find("LPUSH"), std::string::npos) << e.detail();
  }
  EXPECT_EQ(client.command({"GET", "a"}).text, "4") << "both INCRs ran, and the reply read is this GET's";
}

TEST(RedisStateStoreTest, WrongPasswordIsRefusedClearly) {
  test::RedisServer redis;
  std::string url = redis.url();
  url.replace(url.find(':', 8) + 1, url.find('@') - url.find(':', 8) - 1, "wrong");
  try {
    RedisStateStore refused(url);
    ADD_FAILURE() << "connected with a wrong password";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "state_unavailable");
    EXPECT_NE(e.detail().find("refused the password"), std::string::npos) << e.detail();
  }
}

// An upgrade keeps the state: a database of the previous schema version (before callbacks had a header) is
// brought up to this one; an older one is refused rather than misread.
TEST(SqliteSchema, ThePreviousVersionIsMigratedAndOlderOnesAreRefused) {
  const std::string path = test::scratch_path("yivideo-schema") + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  const auto clock = [] { return 1000.0; };
  {
    SqliteStateStore state(path, clock);
    state.update_workflow("wf-old", [](std::optional<WorkflowRecord>& w, Changes&) {
      w = WorkflowRecord{.id = "wf-old", .request = {{"n", 1}}, .callback = CallbackTarget{"http://h/x", {}}};
    });
  }
  {
    sqlite::Database db(path);
    db.exec(
        "ALTER TABLE tasks DROP COLUMN callback_auth; ALTER TABLE workflows DROP COLUMN callback_auth; "
        "ALTER TABLE callbacks DROP COLUMN auth_header; ALTER TABLE jobs DROP COLUMN partial; "
        "PRAGMA user_version = 4");
  }
  {
    SqliteStateStore state(path, clock);
    const auto w = state.workflow("wf-old");
    ASSERT_TRUE(w);
    EXPECT_EQ(w->callback, (CallbackTarget{"http://h/x", {}}));
    state.update_workflow("wf-old", [](std::optional<WorkflowRecord>& w, Changes& changes) {
      w->callback->auth_header = "X-Token: t";
      changes.add_callback("workflow", "wf-old", *w->callback, {{"status", "completed"}});
    });
    EXPECT_EQ(state.workflow("wf-old")->callback->auth_header, "X-Token: t");
    EXPECT_EQ(state.claim_callbacks(1000, 10, 60).at(0).target.auth_header, "X-Token: t");
  }
  sqlite::Database(path).exec("PRAGMA user_version = 3");
  try {
    SqliteStateStore state(path, clock);
    ADD_FAILURE() << "a version 3 database was opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "state_store_error");
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
}

}  // namespace
}  // namespace yv::store

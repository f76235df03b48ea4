// Issue 15, lower severity: a full disk answered 503 "cannot rollback - no transaction is active". SQLite had
// already rolled the transaction back, and our own rollback failed in turn, hiding what happened. A full disk
// now answers 507 "disk_full", changes nothing, and once space is freed everything works again.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "store/sqlite/database.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/small_disk.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

int64_t rows(sqlite::Database& db) {
  sqlite::Statement count = db.prepare("SELECT count(*) FROM t");
  count.step();
  return count.int_at(0);
}

TEST(DiskFull, AWriteToAFullDatabaseThrowsDiskFullAndChangesNothing) {
  const fs::path dir = scratch_path("yivideo-full-db");
  fs::create_directories(dir);
  sqlite::Database db((dir / "full.db").string());
  db.exec("CREATE TABLE t (v TEXT)");
  db.transaction([&] { db.prepare("INSERT INTO t VALUES ('kept')").run(); });
  sqlite::Statement pages = db.prepare("PRAGMA page_count");
  pages.step();
  db.exec("PRAGMA max_page_count = " + std::to_string(pages.int_at(0)));  // "full" from here on

  const std::string big(4000, 'x');
  try {
    db.transaction([&] {
      for (int i = 0; i < 100; ++i)
        db.prepare("INSERT INTO t VALUES (?)").bind(1, std::string_view(big)).run();
    });
    ADD_FAILURE() << "the writes fitted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "disk_full") << e.what();
    EXPECT_EQ(e.http_status(), 507);
  }
  EXPECT_EQ(rows(db), 1);
  db.exec("PRAGMA max_page_count = 1000000");
  db.transaction([&] { db.prepare("INSERT INTO t VALUES ('after')").run(); });
  EXPECT_EQ(rows(db), 2);
  fs::remove_all(dir);
}

TEST(DiskFull, AFullDiskAnswers507DiskFullAndSubmitsWorkAgainOnceSpaceIsFreed) {
  SmallDisk disk(scratch_path("yivideo-small-disk"), 8 << 20);
  if (!disk.mounted()) GTEST_SKIP() << "this process may not mount a tmpfs";
  LiveServer server("yivideo-disk-full", {.workers = 0, .backend = (disk.path() / "state.db").string()});
  const json workflow = {{"video_path", shared_fixture("jfk.wav")},
                         {"workflow_config", {{"workflow_chain", {"ffmpeg.extract_audio"}}}}};
  disk.fill();
  const json refused = server.post("/v1/workflows", workflow, 507);
  EXPECT_EQ(refused["code"], "disk_full") << refused.dump();
  disk.free();
  server.post("/v1/workflows", workflow, 202);
  EXPECT_EQ(server.get("/v1/workflows")["workflows"].size(), 1u) << "the refused workflow was kept";
}

}  // namespace
}  // namespace yv::test

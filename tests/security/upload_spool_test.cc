// Issue 15, lower severity: the spool file of an upload whose server was killed stayed in `.uploads` for
// ever (419 MB in the report). Opening the store removes spool files that no live upload holds, and only
// those. (An upload whose client goes away removes its own: file_api_test.cc.)
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>

#include "storage/local_store.h"
#include "support/live_server.h"
#include "support/raw_http.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;

constexpr size_t kFileBytes = 2000000;

// An upload of kFileBytes sent over a raw connection, part now and the rest on demand.
class SlowUpload {
 public:
  SlowUpload(const LiveServer& server, size_t first_bytes) : connection_(server.port()), sent_(first_bytes) {
    const std::string head =
        "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.bin\"\r\n\r\n";
    const std::string request =
        "POST /v1/files/upload?file_path=spool/s.bin HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        "multipart/form-data; boundary=B\r\nContent-Length: " +
        std::to_string(head.size() + kFileBytes + kTail.size()) + "\r\n\r\n" + head;
    EXPECT_TRUE(connection_.send(request + std::string(first_bytes, 's')));
  }

  // Sends the rest of the file; the answer.
  std::string finish() {
    EXPECT_TRUE(connection_.send(std::string(kFileBytes - sent_, 's') + std::string(kTail)));
    return connection_.read_answer(10);
  }

 private:
  static constexpr std::string_view kTail = "\r\n--B--\r\n";
  RawConnection connection_;
  size_t sent_;
};

fs::path spool_of(const LiveServer& server) { return server.dir() / "data" / "files" / ".uploads"; }

size_t spool_files(const LiveServer& server) {
  std::error_code ec;
  size_t n = 0;
  for (fs::directory_iterator it(spool_of(server), ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n;
}

// Waits until the server has begun spooling an upload.
bool spooling(const LiveServer& server) {
  for (int i = 0; i < 200 && spool_files(server) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return spool_files(server) > 0;
}

TEST(UploadSpool, SpoolFileOfAnUploadKilledWithTheServerIsRemovedAtTheNextStart) {
  LiveServer server("yivideo-upload-spool-killed", {.workers = 0});
  {
    SlowUpload upload(server, 500000);
    ASSERT_TRUE(spooling(server));
    server.stop(SIGKILL);
  }
  ASSERT_EQ(spool_files(server), 1u) << "the killed server left its spool file";
  server.start();
  EXPECT_EQ(spool_files(server), 0u);
}

TEST(UploadSpool, SpoolFileOfALiveUploadSurvivesAnotherProcessOpeningTheStore) {
  LiveServer server("yivideo-upload-spool-live", {.workers = 0});
  SlowUpload upload(server, 500000);
  ASSERT_TRUE(spooling(server));
  const storage::LocalStore other(server.dir() / "data" / "files");  // sweeps the spool folder as it opens
  EXPECT_EQ(spool_files(server), 1u);
  const std::string answer = upload.finish();
  EXPECT_EQ(status_of(answer), 200) << answer;
  EXPECT_EQ(fs::file_size(server.bucket_dir() / "spool" / "s.bin"), kFileBytes);
}

}  // namespace
}  // namespace yv::test

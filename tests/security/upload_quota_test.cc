// Issue 15, lower severity: uploads had no quota, so one client could fill the disk that the state database
// and the workers' outputs live on. Uploads now leave YIVIDEO_MIN_FREE_DISK_BYTES free: one announced too
// large for that is refused before a byte of it is read, one of unknown length when the disk reaches the
// reserve, each with 507 disk_full and nothing kept; the server goes on working. Past the queue limit and the
// connection caps, 429 answers say when to come back (Retry-After).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/raw_http.h"
#include "support/small_disk.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr uint64_t kDiskBytes = 48 << 20, kReserveBytes = 16 << 20;
constexpr std::string_view kPartHead =
    "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n";
constexpr std::string_view kPartTail = "\r\n--B--\r\n";

// The head of an upload of big.bin, with `framing` (a Content-Length or chunking) header lines.
std::string upload_head(const std::string& framing) {
  return "POST /v1/files/upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; "
         "boundary=B\r\n" +
         framing + "\r\n";
}

std::string chunk(std::string_view data) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + std::string(data) + "\r\n";
}

class UploadQuotaSecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    disk_ = new SmallDisk(scratch_path("yivideo-upload-quota-disk"), kDiskBytes);
    if (!disk_->mounted()) return;
    server_ = new LiveServer("yivideo-upload-quota",
                             {.workers = 0,
                              .env = {"YIVIDEO_DATA_DIR=" + (disk_->path() / "data").string(),
                                      "YIVIDEO_MIN_FREE_DISK_BYTES=" + std::to_string(kReserveBytes)},
                              .backend = (disk_->path() / "state.db").string()});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete disk_;
  }
  void SetUp() override {
    if (!disk_->mounted()) GTEST_SKIP() << "this process may not mount a tmpfs";
  }

  static fs::path spool() { return disk_->path() / "data" / "files" / ".uploads"; }
  static bool spool_empty() {
    std::error_code ec;
    return fs::is_empty(spool(), ec) || ec;
  }
  static bool stored(const std::string& key) {
    return fs::exists(disk_->path() / "data" / "files" / "yivideo" / key);
  }
  // The server still stores what fits, and takes work (its database is on the same disk).
  static void expect_server_still_works() {
    RawConnection c(server_->port());
    const std::string small = std::string(kPartHead) + "small" + std::string(kPartTail);
    c.send(upload_head("Content-Length: " + std::to_string(small.size()) + "\r\nConnection: close\r\n") +
           small);
    EXPECT_EQ(status_of(c.read_answer(10)), 200);
    server_->post("/v1/workflows",
                  {{"video_path", shared_fixture("jfk.wav")},
                   {"workflow_config", {{"workflow_chain", {"ffmpeg.extract_audio"}}}}},
                  202);
  }
  static void expect_disk_full(const std::string& answer) {
    EXPECT_EQ(status_of(answer), 507) << answer;
    const json body = json::parse(answer.substr(answer.find("\r\n\r\n") + 4));
    EXPECT_EQ(body["code"], "disk_full") << body.dump();
    EXPECT_EQ(body["detail"].get<std::string>().find(disk_->path().string()), std::string::npos)
        << body.dump();
  }

  static inline SmallDisk* disk_ = nullptr;
  static inline LiveServer* server_ = nullptr;
};

TEST_F(UploadQuotaSecurityTest, AnUploadAnnouncedTooLargeForTheReserveIsRefusedBeforeItsBody) {
  const uint64_t file = disk_->free_bytes() - kReserveBytes + (1 << 20);
  RawConnection c(server_->port());
  c.send(
      upload_head("Content-Length: " + std::to_string(kPartHead.size() + file + kPartTail.size()) + "\r\n") +
      std::string(kPartHead));
  expect_disk_full(c.read_answer(5));  // answered though not a byte of the file was sent
  EXPECT_TRUE(spool_empty());
  EXPECT_FALSE(stored("big.bin"));
  expect_server_still_works();
}

TEST_F(UploadQuotaSecurityTest, AnUploadOfUnknownLengthStopsAtTheReserveAndLeavesNothing) {
  RawConnection c(server_->port());
  c.send(upload_head("Transfer-Encoding: chunked\r\n") + chunk(kPartHead));
  const std::string block(1 << 20, 'x');
  // Sends until the server answers (a poll, so a slow answer is not read half-way), then reads the answer.
  for (uint64_t sent = 0; sent < kDiskBytes && !c.received_within(0.01) && c.send(chunk(block));)
    sent += block.size();
  expect_disk_full(c.read_answer(5));
  EXPECT_GE(disk_->free_bytes() + (2 << 20), kReserveBytes) << "the upload ate into the reserve";
  EXPECT_TRUE(spool_empty());
  EXPECT_FALSE(stored("big.bin"));
  expect_server_still_works();
}

TEST(RetryAfterSecurityTest, SubmitsPastTheQueueLimitSayWhenToComeBack) {
  const LiveServer server("yivideo-security-retry-after",
                          {.workers = 0, .env = {"YIVIDEO_MAX_QUEUED_JOBS=1"}});
  const json task = {{"task_name", "ffmpeg.extract_audio"},
                     {"input_data", {{"video_path", shared_fixture("jfk.wav")}}}};
  server.post("/v1/tasks", task);
  RawConnection c(server.port());
  c.send(post_request("/v1/tasks", task.dump()));
  const std::string answer = c.read_answer(5);
  EXPECT_EQ(status_of(answer), 429) << answer;
  EXPECT_EQ(header_of(answer, "Retry-After"), "5") << answer;
}

}  // namespace
}  // namespace yv::test

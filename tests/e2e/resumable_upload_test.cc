// Resumable uploads (issue 22; src/http/upload_session_routes.h) through a live server, on the local store
// and on an S3 server (moto; 5 MiB multipart parts, so the completed file goes up in several): a part cut off
// mid-way keeps what arrived and the upload resumes from there, a killed server resumes too, the completed
// file downloads byte for byte; a wrong offset is 409, passing the size 413, unknown, completed, cancelled
// and expired sessions 404, and every refusal the contract's {"detail", "code"}.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/files.h"
#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/store_servers.h"

namespace yv::test {
namespace {
using nlohmann::json;

constexpr uint64_t kMaxUpload = 12000000;

struct Answer {
  int status = 0;
  json body;
};

Answer answer(const httplib::Result& r) {
  if (!r) return {};
  return {r->status, json::parse(r->body, nullptr, false)};
}

class ResumableUploadTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() { servers_.clear(); }
  void SetUp() override {
    server_ = &servers_.get(GetParam(), "yivideo-resumable",
                            {"YIVIDEO_MAX_UPLOAD_BYTES=" + std::to_string(kMaxUpload)},
                            {"YIVIDEO_S3_PART_BYTES=5242880"});
  }

  static httplib::Client client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(60);
    return c;
  }
  static Answer start(const std::string& key, uint64_t size) {
    return answer(
        client().Post("/v1/uploads", json{{"file_path", key}, {"size", size}}.dump(), "application/json"));
  }
  static Answer part(const std::string& id, uint64_t offset, const std::string& bytes) {
    return answer(client().Post(("/v1/uploads/" + id + "/parts?offset=" + std::to_string(offset)).c_str(),
                                bytes, "application/octet-stream"));
  }
  static Answer session(const std::string& id) { return answer(client().Get(("/v1/uploads/" + id).c_str())); }
  static Answer complete(const std::string& id) {
    return answer(client().Post(("/v1/uploads/" + id + "/complete").c_str()));
  }
  // A real recording made larger than one S3 part (JFK, 20 times over: about 7 MB).
  static std::string big_file() {
    const std::string jfk = read_file(shared_fixture("jfk.wav"));
    std::string bytes;
    for (int i = 0; i < 20; ++i) bytes += jfk;
    return bytes;
  }
  // Sends a part's head announcing `length` bytes and only `sent` of them, then drops the connection.
  static void cut_off(const std::string& id, uint64_t offset, const std::string& bytes, size_t sent) {
    server_->raw(
        "POST /v1/uploads/" + id + "/parts?offset=" + std::to_string(offset) +
            " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
            std::to_string(bytes.size()) + "\r\n\r\n" + bytes.substr(0, sent),
        0.5);
  }
  // The session's offset once the server has let go of a dropped request (it answers the same twice).
  static uint64_t settled_offset(const std::string& id) {
    uint64_t last = UINT64_MAX;
    for (int i = 0; i < 100; ++i) {
      const Answer now = session(id);
      EXPECT_EQ(now.status, 200) << now.body;
      const uint64_t offset = now.body.value("offset", uint64_t(0));
      if (offset == last) return offset;
      last = offset;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return last;
  }
  static void expect_error(const Answer& a, int status, const std::string& code) {
    EXPECT_EQ(a.status, status) << a.body;
    EXPECT_EQ(a.body.value("code", ""), code) << a.body;
    EXPECT_FALSE(a.body.value("detail", "").empty()) << a.body;
  }

  static inline StoreServers servers_;
  static inline LiveServer* server_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, ResumableUploadTest, ::testing::Values("local", "s3"),
                         [](const auto& info) { return info.param; });

TEST_P(ResumableUploadTest, InterruptedPartKeepsWhatArrivedAndTheUploadResumesFromThere) {
  const std::string bytes = big_file();
  const Answer started = start("videos/big.wav", bytes.size());
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string id = started.body["upload_id"];
  EXPECT_EQ(started.body["offset"], 0);
  EXPECT_EQ(started.body["size"], bytes.size());

  const uint64_t first = 3000000;
  ASSERT_EQ(part(id, 0, bytes.substr(0, first)).body["offset"], first);
  // The next part is cut off after a million of its bytes: they are kept, and the client resumes after them.
  cut_off(id, first, bytes.substr(first, 3000000), 1000000);
  const uint64_t kept = settled_offset(id);
  EXPECT_GT(kept, first);
  EXPECT_LE(kept, first + 1000000);
  EXPECT_EQ(client().Head("/v1/files/download/videos/big.wav")->status, 404)
      << "nothing visible before complete";

  const Answer rest = part(id, kept, bytes.substr(kept));
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(rest.body["offset"], bytes.size());
  const Answer stored = complete(id);
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(stored.body["file_path"], "videos/big.wav");
  EXPECT_EQ(stored.body["size"], bytes.size());
  EXPECT_EQ(stored.body["content_type"], "audio/wav");
  const auto got = client().Get("/v1/files/download/videos/big.wav");
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->body == bytes) << "the stored file differs from the one sent";
  expect_error(session(id), 404, "upload_not_found");
  expect_error(complete(id), 404, "upload_not_found");
}

TEST_P(ResumableUploadTest, WrongOffsetIs409AndMissingBytes409AtCompletion) {
  const std::string bytes = read_file(shared_fixture("jfk.wav"));
  const std::string id = start("videos/offsets.wav", bytes.size()).body["upload_id"];
  expect_error(part(id, 10, bytes.substr(10, 100)), 409, "upload_offset_mismatch");
  ASSERT_EQ(part(id, 0, bytes.substr(0, 1000)).status, 200);
  expect_error(part(id, 0, bytes.substr(0, 1000)), 409, "upload_offset_mismatch");  // sent twice
  expect_error(part(id, 2000, bytes.substr(2000, 10)), 409, "upload_offset_mismatch");
  expect_error(complete(id), 409, "upload_incomplete");
  expect_error(answer(client().Post(("/v1/uploads/" + id + "/parts?offset=1e3").c_str(), "x",
                                    "application/octet-stream")),
               400, "invalid_request");
  expect_error(
      answer(client().Post(("/v1/uploads/" + id + "/parts").c_str(), "x", "application/octet-stream")), 400,
      "invalid_request");
  EXPECT_EQ(session(id).body["offset"], 1000) << "refused parts change nothing";
}

TEST_P(ResumableUploadTest, SizesAboveTheLimitOrTheAnnouncedSizeAre413) {
  expect_error(start("videos/huge.wav", kMaxUpload + 1), 413, "payload_too_large");
  const std::string id = start("videos/small.wav", 100).body["upload_id"];
  expect_error(part(id, 0, std::string(101, 'x')), 413, "payload_too_large");
  ASSERT_EQ(part(id, 0, std::string(60, 'x')).status, 200);
  expect_error(part(id, 60, std::string(41, 'x')), 413, "payload_too_large");
  EXPECT_EQ(part(id, 60, std::string(40, 'x')).body["offset"], 100);
  EXPECT_EQ(complete(id).body["size"], 100);
}

TEST_P(ResumableUploadTest, UnknownCancelledAndInvalidSessionsAre404AndBadStarts400) {
  expect_error(session("0b8c1e7e-6c55-4d4e-9a43-6f8ac2f1c0de"), 404, "upload_not_found");
  expect_error(session("not-a-session"), 404, "upload_not_found");
  expect_error(part("0b8c1e7e-6c55-4d4e-9a43-6f8ac2f1c0de", 0, "x"), 404, "upload_not_found");
  const std::string id = start("videos/cancelled.wav", 10).body["upload_id"];
  EXPECT_EQ(answer(client().Delete(("/v1/uploads/" + id).c_str())).status, 200);
  expect_error(session(id), 404, "upload_not_found");
  expect_error(answer(client().Delete(("/v1/uploads/" + id).c_str())), 404, "upload_not_found");
  expect_error(start("../escape.wav", 10), 400, "invalid_path");
  // A name the local store's file system cannot hold is refused before any byte is sent (S3 holds it).
  const Answer long_name = start("videos/" + std::string(300, 'a') + ".wav", 10);
  if (GetParam() == "local")
    expect_error(long_name, 400, "invalid_path");
  else
    EXPECT_EQ(long_name.status, 201) << long_name.body;
  expect_error(
      answer(client().Post("/v1/uploads", R"({"file_path": "a.wav", "size": -1})", "application/json")), 400,
      "invalid_request");
}

TEST_P(ResumableUploadTest, AKilledServerResumesTheUploadAfterItsRestart) {
  if (GetParam() == "s3") GTEST_SKIP() << "the sessions live on the gateway's disk: one backend suffices";
  const std::string bytes = read_file(shared_fixture("jfk.wav"));
  const std::string id = start("videos/restarted.wav", bytes.size()).body["upload_id"];
  ASSERT_EQ(part(id, 0, bytes.substr(0, 200000)).status, 200);
  server_->stop(SIGKILL);
  server_->start();
  EXPECT_EQ(session(id).body["offset"], 200000);
  ASSERT_EQ(part(id, 200000, bytes.substr(200000)).status, 200);
  ASSERT_EQ(complete(id).status, 200);
  EXPECT_TRUE(client().Get("/v1/files/download/videos/restarted.wav")->body == bytes);
}

TEST(ResumableUploadExpiry, ASessionUnusedForItsLifetimeIs404) {
  LiveServer server("yivideo-resumable-expiry",
                    LiveServer::Options{.workers = 0, .env = {"YIVIDEO_UPLOAD_SESSION_SECONDS=1"}});
  httplib::Client c("127.0.0.1", server.port());
  const json started = json::parse(
      c.Post("/v1/uploads", json{{"file_path", "videos/late.wav"}, {"size", 10}}.dump(), "application/json")
          ->body);
  const std::string id = started["upload_id"];
  EXPECT_EQ(c.Get(("/v1/uploads/" + id).c_str())->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const auto late =
      c.Post(("/v1/uploads/" + id + "/parts?offset=0").c_str(), "0123456789", "application/octet-stream");
  EXPECT_EQ(late->status, 404);
  EXPECT_EQ(json::parse(late->body)["code"], "upload_not_found");
}

}  // namespace
}  // namespace yv::test

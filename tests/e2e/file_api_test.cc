// Files through a live server (api-contract.md §2) on the local store: upload, download with ranges, HEAD,
// deletion, and the hostile inputs: path tricks in every spelling, planted symlinks, oversized and
// interrupted uploads. Nothing outside the store may ever be read, written or deleted.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/fixtures.h"
#include "support/live_server.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

std::string query_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += char(c);
    } else {
      out += '%' + std::string(1, "0123456789ABCDEF"[c >> 4]) + "0123456789ABCDEF"[c & 15];
    }
  }
  return out;
}

class FileApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new LiveServer("yivideo-file-api",
                             {.workers = 0, .lease_seconds = 0, .env = {"YIVIDEO_MAX_UPLOAD_BYTES=1000000"}});
  }
  static void TearDownTestSuite() { delete server_; }

  static httplib::Client client() { return httplib::Client("127.0.0.1", server_->port()); }
  static httplib::Result upload(const std::string& content, const std::string& key,
                                const std::string& query = "") {
    httplib::MultipartFormDataItems items = {{"file", content, "clip.wav", "application/octet-stream"}};
    if (!key.empty()) items.push_back({"file_path", key, "", ""});
    return client().Post(("/v1/files/upload" + query).c_str(), items);
  }
  static std::string fixture_bytes() { return read_text(shared_fixture("jfk.wav")); }

  static inline LiveServer* server_ = nullptr;
};

TEST_F(FileApiTest, UploadedFileDownloadsByteForByte) {
  const std::string bytes = fixture_bytes();
  auto res = upload(bytes, "videos/demo.wav");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json body = json::parse(res->body);
  EXPECT_EQ(body["file_path"], "videos/demo.wav");
  EXPECT_EQ(body["bucket"], "yivideo");
  EXPECT_EQ(body["size"], bytes.size());
  EXPECT_EQ(body["content_type"], "audio/wav");
  EXPECT_TRUE(body["uploaded_at"].get<std::string>().ends_with("Z"));
  const std::string url = body["download_url"];
  EXPECT_TRUE(url.starts_with("http://127.0.0.1:" + std::to_string(server_->port()) +
                              "/v1/files/download/videos/demo.wav"))
      << url;

  auto got = client().Get("/v1/files/download/videos/demo.wav");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, bytes);
  EXPECT_EQ(got->get_header_value("Content-Type"), "audio/wav");
  const std::string etag = got->get_header_value("ETag");
  EXPECT_FALSE(etag.empty());

  auto head = client().Head("/v1/files/download/videos/demo.wav");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(bytes.size()));
  EXPECT_EQ(head->get_header_value("Accept-Ranges"), "bytes");
  EXPECT_EQ(head->get_header_value("ETag"), etag);
  EXPECT_TRUE(head->body.empty());

  auto range = client().Get("/v1/files/download/videos/demo.wav", {{"Range", "bytes=4-11"}});
  EXPECT_EQ(range->status, 206);
  EXPECT_EQ(range->body, bytes.substr(4, 8));
  auto unsatisfiable = client().Get("/v1/files/download/videos/demo.wav", {{"Range", "bytes=99999999-"}});
  EXPECT_EQ(unsatisfiable->status, 416);
  EXPECT_EQ(unsatisfiable->get_header_value("Content-Range"), "bytes */" + std::to_string(bytes.size()));
  EXPECT_EQ(client().Get("/v1/files/download/videos/demo.wav", {{"If-None-Match", etag}})->status, 304);
}

TEST_F(FileApiTest, FieldsMayComeAsQueryParametersAndOtherBuckets) {
  auto res = upload("hello", "", "?file_path=notes/a.txt&bucket=other-bucket");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["bucket"], "other-bucket");
  EXPECT_EQ(client().Get("/v1/files/download/notes/a.txt?bucket=other-bucket")->body, "hello");
  EXPECT_EQ(server_->get("/v1/files/download/notes/a.txt", 404)["code"], "file_not_found");
  EXPECT_EQ(server_->call("GET", "/v1/files/download/notes/a.txt?bucket=..", "", 400)["code"],
            "invalid_path");
}

TEST_F(FileApiTest, DeleteRemovesTheObjectThenSays404) {
  ASSERT_EQ(upload("x", "tmp/gone.txt")->status, 200);
  EXPECT_EQ(server_->call("DELETE", "/v1/files/tmp/gone.txt")["success"], true);
  EXPECT_EQ(server_->get("/v1/files/download/tmp/gone.txt", 404)["detail"], "文件不存在: tmp/gone.txt");
  EXPECT_EQ(server_->call("DELETE", "/v1/files/tmp/gone.txt", "", 404)["code"], "file_not_found");
}

TEST_F(FileApiTest, DirectoryDeletionIsConfinedToWorkflowAndTaskFolders) {
  ASSERT_EQ(upload("a", "workflows/wf-1/stage_0/a.txt")->status, 200);
  ASSERT_EQ(upload("keep", "videos/keep.txt")->status, 200);
  const json done = server_->call("DELETE", "/v1/files/directories?directory_path=/share/workflows/wf-1");
  EXPECT_EQ(done["success"], true);
  EXPECT_FALSE(fs::exists(server_->bucket_dir() / "workflows" / "wf-1"));
  // Idempotent.
  EXPECT_EQ(server_->call("DELETE", "/v1/files/directories?directory_path=workflows/wf-1")["success"], true);
  for (const std::string bad :
       {"/", "", "/share", "/share/", "workflows", "workflows/", "videos", "videos/x", "workflows/..",
        "workflows/../videos", "workflows/a/b", "/etc", "tasks/.hidden"}) {
    EXPECT_EQ(
        server_->call("DELETE", "/v1/files/directories?directory_path=" + query_escape(bad), "", 400)["code"],
        "invalid_path")
        << bad;
  }
  EXPECT_TRUE(fs::exists(server_->bucket_dir() / "videos" / "keep.txt"));
}

TEST_F(FileApiTest, HostileKeysAreRefusedAndTouchNothing) {
  const std::vector<std::string> keys = {
      "../escape.txt", "a/../../escape.txt",   "/abs.txt",        "a//b.txt",     "a/./b.txt", "a\\..\\b.txt",
      "a/..",          std::string(4096, 'k'), "bad\x01name.txt", "tab\tname.txt"};
  for (const auto& key : keys) {
    auto res = upload("evil", key);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << key;
    EXPECT_EQ(json::parse(res->body)["code"], "invalid_path") << key;
  }
  for (const std::string path :
       {"/v1/files/download/%2e%2e/%2e%2e/etc/passwd", "/v1/files/download/..%2f..%2fetc%2fpasswd",
        "/v1/files/download/a/%2E%2E/%2E%2E/b", "/v1/files/download/a%00b"}) {
    auto res = client().Get(path.c_str());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << path << " " << res->body;
  }
  EXPECT_FALSE(fs::exists(server_->dir() / "data" / "escape.txt"));
  EXPECT_FALSE(fs::exists(server_->dir() / "data" / "files" / "escape.txt"));
  // A look-alike of ".." (one dot leader, U+2024) is just a name: stored inside the bucket, harmless.
  ASSERT_EQ(upload("ok", "\xe2\x80\xa4\xe2\x80\xa4/lookalike.txt")->status, 200);
  EXPECT_TRUE(fs::exists(server_->bucket_dir() / "\xe2\x80\xa4\xe2\x80\xa4" / "lookalike.txt"));
}

TEST_F(FileApiTest, SymlinkPlantedInTheStoreCannotLeadOutside) {
  const fs::path secret = server_->dir() / "secret.txt";
  std::ofstream(secret) << "secret";
  fs::create_directories(server_->bucket_dir() / "planted");
  fs::create_symlink(secret, server_->bucket_dir() / "planted" / "link.txt");
  fs::create_directory_symlink(server_->dir(), server_->bucket_dir() / "planted" / "dir");
  EXPECT_EQ(server_->get("/v1/files/download/planted/link.txt", 400)["code"], "invalid_path");
  EXPECT_EQ(server_->get("/v1/files/download/planted/dir/secret.txt", 400)["code"], "invalid_path");
  EXPECT_EQ(upload("overwrite", "planted/link.txt")->status, 400);
  EXPECT_EQ(server_->call("DELETE", "/v1/files/planted/link.txt", "", 400)["code"], "invalid_path");
  EXPECT_EQ(read_text(secret.string()), "secret");
}

TEST_F(FileApiTest, OversizedUploadIs413AndLeavesNothing) {
  auto res = upload(std::string(1500000, 'x'), "big/too-big.bin");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413) << res->body;
  EXPECT_FALSE(fs::exists(server_->bucket_dir() / "big" / "too-big.bin"));
  EXPECT_TRUE(fs::is_empty(server_->dir() / "data" / "files" / ".uploads"));
}

TEST_F(FileApiTest, InterruptedUploadLeavesNoObject) {
  const std::string boundary = "XyZ";
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file_path\"\r\n\r\ncut/partial.bin\r\n--" +
                     boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.bin\"\r\n\r\n" +
                     std::string(50000, 'p');  // the rest never comes
  const std::string request =
      "POST /v1/files/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + boundary +
      "\r\nContent-Length: 900000\r\n\r\n" + body;
  server_->raw(request, 1);  // the client gives up and closes the connection
  for (int i = 0; i < 100 && !fs::is_empty(server_->dir() / "data" / "files" / ".uploads"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(fs::exists(server_->bucket_dir() / "cut" / "partial.bin"));
  EXPECT_TRUE(fs::is_empty(server_->dir() / "data" / "files" / ".uploads"))
      << "the temporary file was left behind";
}

TEST_F(FileApiTest, ConcurrentUploadsToOneKeyLeaveOneWholeObject) {
  std::vector<std::string> contents;
  for (char c : {'a', 'b', 'c', 'd'}) contents.push_back(std::string(300000, c));
  std::vector<std::thread> threads;
  for (const auto& content : contents) {
    threads.emplace_back([&content] { EXPECT_EQ(upload(content, "race/same.bin")->status, 200); });
  }
  for (auto& t : threads) t.join();
  const std::string got = client().Get("/v1/files/download/race/same.bin")->body;
  EXPECT_NE(std::find(contents.begin(), contents.end(), got), contents.end()) << "a mix of uploads";
}

TEST_F(FileApiTest, UploadWithoutAFilePartIs400) {
  auto res =
      client().Post("/v1/files/upload", httplib::MultipartFormDataItems{{"file_path", "x.txt", "", ""}});
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(client().Post("/v1/files/upload", "{}", "application/json")->status, 400);
}

}  // namespace
}  // namespace yv::test

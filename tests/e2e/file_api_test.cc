// Files through a live server (api-contract.md §2) on the local store and on an S3 server: upload, download
// with ranges, HEAD, deletion, and the hostile inputs: path tricks in every spelling, planted symlinks,
// oversized and interrupted uploads. Nothing outside the store may ever be read, written or deleted.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/fixtures.h"
#include "support/live_server.h"
#include "support/moto_server.h"
#include "support/store_servers.h"

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

// The same suite on both backends: "local" (files under the server's data directory) and "s3" (a moto server;
// small multipart parts and presigned URLs turned on, so that both paths are exercised).
class FileApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() { servers_.clear(); }
  void SetUp() override {
    server_ = &servers_.get(GetParam(), "yivideo-file-api", {"YIVIDEO_MAX_UPLOAD_BYTES=12000000"},
                            {"YIVIDEO_S3_PART_BYTES=5242880", "YIVIDEO_S3_PRESIGN_SECONDS=600"});
  }
  bool s3() const { return GetParam() == "s3"; }

  static httplib::Client client() { return httplib::Client("127.0.0.1", server_->port()); }
  static httplib::Result upload(const std::string& content, const std::string& key,
                                const std::string& query = "") {
    httplib::MultipartFormDataItems items = {{"file", content, "clip.wav", "application/octet-stream"}};
    if (!key.empty()) items.push_back({"file_path", key, "", ""});
    return client().Post(("/v1/files/upload" + query).c_str(), items);
  }
  // Whether the store holds `key` (asked through the API, so it works for both backends).
  static bool stored(const std::string& key) {
    auto res = client().Head(("/v1/files/download/" + key).c_str());
    return res && res->status == 200;
  }
  static std::string fixture_bytes() { return read_text(shared_fixture("jfk.wav")); }
  static bool spool_empty() {
    const auto spool = server_->dir() / "data" / "files" / ".uploads";
    return !fs::exists(spool) || fs::is_empty(spool);
  }

  static inline StoreServers servers_;
  static inline LiveServer* server_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, FileApiTest, ::testing::Values("local", "s3"),
                         [](const auto& info) { return info.param; });

TEST_P(FileApiTest, UploadedFileDownloadsByteForByte) {
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
  if (s3()) {  // presigned: the object store itself serves it, to anyone holding the URL
    EXPECT_NE(url.find("X-Amz-Signature="), std::string::npos) << url;
    const auto at = url.find('/', url.find("://") + 3);
    httplib::Client direct(url.substr(0, at));
    auto res = direct.Get(url.substr(at).c_str());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, bytes);
    EXPECT_EQ(res->get_header_value("Content-Type"), "audio/wav") << "recorded with the object";
  } else {
    EXPECT_TRUE(url.starts_with("http://127.0.0.1:" + std::to_string(server_->port()) +
                                "/v1/files/download/videos/demo.wav"))
        << url;
  }

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
  auto tail = client().Get("/v1/files/download/videos/demo.wav", {{"Range", "bytes=-5"}});
  EXPECT_EQ(tail->status, 206);
  EXPECT_EQ(tail->body, bytes.substr(bytes.size() - 5));
  EXPECT_EQ(client().Get("/v1/files/download/videos/demo.wav", {{"If-None-Match", etag}})->status, 304);
}

TEST_P(FileApiTest, FieldsMayComeAsQueryParametersAndOtherBuckets) {
  auto res = upload("hello", "", "?file_path=notes/a.txt&bucket=other-bucket");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["bucket"], "other-bucket");
  EXPECT_EQ(client().Get("/v1/files/download/notes/a.txt?bucket=other-bucket")->body, "hello");
  EXPECT_EQ(server_->get("/v1/files/download/notes/a.txt", 404)["code"], "file_not_found");
  EXPECT_EQ(server_->call("GET", "/v1/files/download/notes/a.txt?bucket=..", "", 400)["code"],
            "invalid_path");
}

TEST_P(FileApiTest, DeleteRemovesTheObjectThenSays404) {
  ASSERT_EQ(upload("x", "tmp/gone.txt")->status, 200);
  EXPECT_EQ(server_->call("DELETE", "/v1/files/tmp/gone.txt")["success"], true);
  EXPECT_EQ(server_->get("/v1/files/download/tmp/gone.txt", 404)["detail"], "文件不存在: tmp/gone.txt");
  EXPECT_EQ(server_->call("DELETE", "/v1/files/tmp/gone.txt", "", 404)["code"], "file_not_found");
}

TEST_P(FileApiTest, DirectoryDeletionIsConfinedToWorkflowAndTaskFolders) {
  ASSERT_EQ(upload("a", "workflows/wf-1/stage_0/a.txt")->status, 200);
  ASSERT_EQ(upload("keep", "videos/keep.txt")->status, 200);
  const json done = server_->call("DELETE", "/v1/files/directories?directory_path=/share/workflows/wf-1");
  EXPECT_EQ(done["success"], true);
  EXPECT_FALSE(stored("workflows/wf-1/stage_0/a.txt"));
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
  EXPECT_TRUE(stored("videos/keep.txt"));
}

TEST_P(FileApiTest, HostileKeysAreRefusedAndTouchNothing) {
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
  EXPECT_TRUE(stored("%E2%80%A4%E2%80%A4/lookalike.txt"));
}

// Stage outputs are shown as /share/<key> (the quick-start's shared folder): the download route takes those
// names, and a workflow's files are listed by prefix, each with a URL. Neither reaches outside the store.
TEST_P(FileApiTest, SharedNamesAndListingsStayInsideTheStore) {
  ASSERT_EQ(upload("a", "workflows/wf-list/stage_0/a.txt")->status, 200);
  ASSERT_EQ(upload("bb", "workflows/wf-list/stage_1/b.txt")->status, 200);
  ASSERT_EQ(upload("v", "workflows/wf-listing/other.txt")->status, 200);
  auto got = client().Get("/v1/files/download//share/workflows/wf-list/stage_0/a.txt");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200) << got->body;
  EXPECT_EQ(got->body, "a");
  const json listing = server_->get("/v1/files/list?prefix=/share/workflows/wf-list/");
  EXPECT_EQ(listing["prefix"], "workflows/wf-list/");
  ASSERT_EQ(listing["count"], 2) << listing.dump(2);
  EXPECT_EQ(listing["files"][0]["file_path"], "workflows/wf-list/stage_0/a.txt");
  EXPECT_EQ(listing["files"][0]["share_path"], "/share/workflows/wf-list/stage_0/a.txt");
  EXPECT_EQ(listing["files"][1]["size"], 2);
  for (const json& f : listing["files"]) {
    const std::string url = f["download_url"];
    // Presigned on S3 (to moto), the gateway's own route otherwise.
    const std::string path = url.substr(url.find('/', url.find("//") + 2));
    auto res =
        s3() ? httplib::Client(servers_.moto().endpoint()).Get(path.c_str()) : client().Get(path.c_str());
    ASSERT_TRUE(res) << url;
    EXPECT_EQ(res->status, 200) << url;
    EXPECT_EQ(res->body.size(), f["size"].get<size_t>()) << url;
  }
  // A string prefix, as in S3: wf-list also matches wf-listing; limit and truncated page it.
  const json both = server_->get("/v1/files/list?prefix=workflows/wf-list&limit=2");
  EXPECT_EQ(both["count"], 2);
  EXPECT_EQ(both["truncated"], true);
  EXPECT_EQ(server_->get("/v1/files/list?prefix=workflows/none/")["count"], 0);
  for (const std::string bad : {"../", "/etc/", "a//b", "workflows/../videos", "/share/../x", "a\\b"}) {
    EXPECT_EQ(server_->get("/v1/files/list?prefix=" + query_escape(bad), 400)["code"], "invalid_path") << bad;
  }
  EXPECT_EQ(server_->get("/v1/files/list?limit=0", 400)["code"], "invalid_request");
  for (const std::string path :
       {"/v1/files/download//share/../../etc/passwd", "/v1/files/download//share/%2e%2e/%2e%2e/etc/passwd",
        "/v1/files/download//share/"}) {
    auto res = client().Get(path.c_str());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << path << " " << res->body;
  }
  if (s3()) return;
  // Links planted in the store are neither listed nor followed.
  fs::create_directories(server_->bucket_dir() / "workflows" / "wf-list" / "stage_2");
  fs::create_directory_symlink(server_->dir(),
                               server_->bucket_dir() / "workflows" / "wf-list" / "stage_2" / "dir");
  fs::create_symlink(server_->dir() / "serve.log",
                     server_->bucket_dir() / "workflows" / "wf-list" / "log.txt");
  EXPECT_EQ(server_->get("/v1/files/list?prefix=workflows/wf-list/")["count"], 2);
}

TEST_P(FileApiTest, SymlinkPlantedInTheStoreCannotLeadOutside) {
  if (s3()) GTEST_SKIP() << "an S3 store has no symlinks to plant";
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

// Another writer put a page into the store, with its own idea of the type: served as what we recognise it
// to be (nothing), never as text/html from the API's origin.
TEST_P(FileApiTest, ObjectPutThereByAnotherWriterIsNotServedAsAPage) {
  const std::string page = "<html><script>alert(document.cookie)</script></html>";
  if (s3()) {
    ASSERT_EQ(upload("any", "planted/first.txt")->status, 200);  // the bucket exists from here on
    const auto put = httplib::Client(servers_.moto().endpoint())
                         .Put("/yivideo/planted/page.html", page, "text/html; charset=utf-8");
    ASSERT_TRUE(put && put->status == 200) << (put ? put->body : "no answer");
  } else {
    fs::create_directories(server_->bucket_dir() / "planted");
    std::ofstream(server_->bucket_dir() / "planted" / "page.html") << page;
  }
  auto got = client().Get("/v1/files/download/planted/page.html");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, page);
  EXPECT_EQ(got->get_header_value("Content-Type"), "application/octet-stream");
}

TEST_P(FileApiTest, OversizedUploadIs413AndLeavesNothing) {
  auto res = upload(std::string(12500000, 'x'), "big/too-big.bin");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413) << res->body;
  EXPECT_FALSE(stored("big/too-big.bin"));
  EXPECT_TRUE(spool_empty());
}

TEST_P(FileApiTest, InterruptedUploadLeavesNoObject) {
  const std::string boundary = "XyZ";
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file_path\"\r\n\r\ncut/partial.bin\r\n--" +
                     boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.bin\"\r\n\r\n" +
                     std::string(50000, 'p');  // the rest never comes
  const std::string request =
      "POST /v1/files/upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=" +
      boundary + "\r\nContent-Length: 900000\r\n\r\n" + body;
  server_->raw(request, 1);  // the client gives up and closes the connection
  for (int i = 0; i < 100 && !spool_empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(stored("cut/partial.bin"));
  EXPECT_TRUE(spool_empty()) << "the temporary file was left behind";
}

TEST_P(FileApiTest, ConcurrentUploadsToOneKeyLeaveOneWholeObject) {
  std::vector<std::string> contents;
  for (char c : {'a', 'b', 'c', 'd'}) contents.push_back(std::string(300000, c));
  std::vector<std::thread> threads;
  for (const auto& content : contents) {
    threads.emplace_back([&content] {
      const auto res = upload(content, "race/same.bin");
      EXPECT_EQ(res->status, 200) << res->body;
    });
  }
  for (auto& t : threads) t.join();
  const std::string got = client().Get("/v1/files/download/race/same.bin")->body;
  EXPECT_NE(std::find(contents.begin(), contents.end(), got), contents.end()) << "a mix of uploads";
}

// Above the part size (5 MiB for the s3 backend here) the object goes up as a multipart upload.
TEST_P(FileApiTest, LargeUploadRoundTripsWhole) {
  std::string big(11 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = char((i * 2654435761u) >> 13);
  auto res = upload(big, "large/eleven.bin");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["size"], big.size());
  auto got = client().Get("/v1/files/download/large/eleven.bin");
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->body == big) << "downloaded " << got->body.size() << " bytes";
  auto middle = client().Get("/v1/files/download/large/eleven.bin", {{"Range", "bytes=5242870-5242899"}});
  EXPECT_EQ(middle->body, big.substr(5242870, 30));  // across the first part boundary
}

TEST_P(FileApiTest, UploadWithoutAFilePartIs400) {
  auto res =
      client().Post("/v1/files/upload", httplib::MultipartFormDataItems{{"file_path", "x.txt", "", ""}});
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(client().Post("/v1/files/upload", "{}", "application/json")->status, 400);
}

}  // namespace
}  // namespace yv::test

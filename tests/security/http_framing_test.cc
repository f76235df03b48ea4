// Requests framed so that a proxy and the server could read them differently, bodies that inflate, oversized
// heads, and requests a web page could send across sites: each is refused before any handler runs, with the
// {"detail","code"} shape, and the server stays up (issue 15, findings 3 and the framing list).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/live_server.h"
#include "support/raw_http.h"

namespace yv::test {
namespace {

class HttpFramingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new LiveServer("yivideo-http-framing",
                             {.workers = 0, .env = {"YIVIDEO_ALLOWED_HOSTS=studio.example"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  // Sends `request` on a new connection and returns the first answer.
  static std::string ask(const std::string& request, double seconds = 5) {
    RawConnection c(server_->port());
    EXPECT_TRUE(c.connected());
    c.send(request);
    return c.read_answer(seconds);
  }
  // The answer's status, after checking its body has the error shape with `code`.
  static int refusal(const std::string& answer, const std::string& code) {
    const auto body = nlohmann::json::parse(answer.substr(answer.find("\r\n\r\n") + 4), nullptr, false);
    EXPECT_EQ(body.value("code", ""), code) << answer;
    EXPECT_TRUE(body.contains("detail")) << answer;
    return status_of(answer);
  }
  static std::string post(const std::string& path, const std::string& headers, const std::string& body) {
    return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n" + body;
  }
  static inline LiveServer* server_ = nullptr;
};

TEST_F(HttpFramingTest, TwoContentLengthsAreRefused) {
  const std::string a = ask(post("/v1/tasks",
                                 "Content-Type: application/json\r\nContent-Length: 2\r\n"
                                 "Content-Length: 2\r\n",
                                 "{}"));
  EXPECT_EQ(refusal(a, "bad_request"), 400) << a;
}

TEST_F(HttpFramingTest, ContentLengthBesideTransferEncodingIsRefused) {
  const std::string a = ask(post("/v1/tasks",
                                 "Content-Type: application/json\r\nContent-Length: 7\r\n"
                                 "Transfer-Encoding: chunked\r\n",
                                 "2\r\n{}\r\n0\r\n\r\n"));
  EXPECT_EQ(refusal(a, "bad_request"), 400) << a;
}

TEST_F(HttpFramingTest, ChunkedSpelledWithACapitalIsStillRefusedOnJsonRoutes) {
  const std::string a =
      ask(post("/v1/tasks", "Content-Type: application/json\r\nTransfer-Encoding: Chunked\r\n",
               "2\r\n{}\r\n0\r\n\r\n"));
  EXPECT_EQ(refusal(a, "length_required"), 411) << a;
}

// Changed by issue 18 (item 7): a POST with neither a length nor chunking has no body (RFC 9112 6.3), as
// `curl -X POST .../cancel` sends it; it was 411. Whatever follows its head is the next request, so a body
// sent without a length is still never read to the end of the connection: it is answered at once, as a
// request without a body, and the rest is refused as a malformed request.
TEST_F(HttpFramingTest, PostWithoutALengthHasNoBodyAndIsAnsweredAtOnce) {
  RawConnection c(server_->port());
  c.send(post("/v1/tasks", "Content-Type: application/json\r\n", "{\"task_name\":"));  // and stays open
  const std::string a = c.read_answer(2);
  EXPECT_EQ(refusal(a, "invalid_json"), 400) << a;
  const std::string cancel = ask(post("/v1/workflows/no-such-workflow/cancel", "", ""));
  EXPECT_EQ(refusal(cancel, "workflow_not_found"), 404) << cancel;
  // The connection stays usable: the next request on it is answered.
  RawConnection kept(server_->port());
  kept.send(post("/v1/workflows/no-such-workflow/cancel", "", "") + get_request("/"));
  EXPECT_EQ(status_of(kept.read_answer(2)), 404);
  EXPECT_EQ(status_of(kept.read_answer(2)), 200);
}

TEST_F(HttpFramingTest, CompressedBodiesAreRefusedNotInflated) {
  for (const std::string coding : {"gzip", "deflate", "br"}) {
    const std::string a = ask(
        post("/v1/tasks",
             "Content-Type: application/json\r\nContent-Encoding: " + coding + "\r\nContent-Length: 4\r\n",
             "\x1f\x8b\x08\x00"));
    EXPECT_EQ(refusal(a, "unsupported_content_encoding"), 415) << coding << ": " << a;
  }
  const std::string upload =
      ask(post("/v1/files/upload",
               "Content-Type: multipart/form-data; boundary=x\r\nContent-Encoding: gzip\r\n"
               "Content-Length: 4\r\n",
               "\x1f\x8b\x08\x00"));
  EXPECT_EQ(refusal(upload, "unsupported_content_encoding"), 415) << upload;
}

TEST_F(HttpFramingTest, HeadsWithTooManyOrTooLongHeadersAreRefused) {
  std::string many;
  for (int i = 0; i < 40000; ++i) many += "X-" + std::to_string(i) + ": y\r\n";
  RawConnection flood(server_->port());
  flood.send(get_request("/", many));
  const std::string a = flood.read_answer(5);
  EXPECT_EQ(refusal(a, "headers_too_large"), 431) << a.substr(0, 200);

  const std::string b = ask(get_request("/", "X-Long: " + std::string(20000, 'a') + "\r\n"));
  EXPECT_EQ(refusal(b, "headers_too_large"), 431) << b.substr(0, 200);
  EXPECT_EQ(status_of(ask(get_request("/"))), 200) << "the server is still up";
}

TEST_F(HttpFramingTest, JsonSentAsAnotherMediaTypeIsRefused) {
  const std::string body = R"({"task_name":"ffmpeg.extract_audio","task_id":"t","input_data":{}})";
  for (const std::string type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
    const std::string a = ask(
        post("/v1/tasks",
             "Content-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n", body));
    EXPECT_EQ(refusal(a, "unsupported_media_type"), 415) << type << ": " << a;
  }
}

TEST_F(HttpFramingTest, ForeignHostNamesAreMisdirectedOnALoopbackServer) {
  const std::string a = ask("GET / HTTP/1.1\r\nHost: rebound.attacker.example\r\n\r\n");
  EXPECT_EQ(refusal(a, "host_not_allowed"), 421) << a;
  for (const std::string host : {"localhost:8000", "127.0.0.1", "[::1]:80", "studio.example"})
    EXPECT_EQ(status_of(ask("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n")), 200) << host;
  const std::string markup = ask("GET / HTTP/1.1\r\nHost: localhost/<script>\r\n\r\n");
  EXPECT_EQ(refusal(markup, "bad_request"), 400) << markup;
  const std::string none = ask("GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(refusal(none, "bad_request"), 400) << none;
}

TEST_F(HttpFramingTest, MethodsARouteDoesNotServeAre405WithAllow) {
  const std::string trace = ask("TRACE / HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(refusal(trace, "method_not_allowed"), 405) << trace;
  EXPECT_EQ(header_of(trace, "Allow"), "GET, HEAD");
  const std::string put =
      ask("PUT /v1/workflows HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          "Content-Length: 2\r\n\r\n{}");
  EXPECT_EQ(refusal(put, "method_not_allowed"), 405) << put;
  EXPECT_EQ(header_of(put, "Allow"), "POST, GET, HEAD");
  const std::string get = ask(get_request("/v1/tasks"));
  EXPECT_EQ(refusal(get, "method_not_allowed"), 405) << get;
  EXPECT_EQ(header_of(get, "Allow"), "POST");
  EXPECT_EQ(refusal(ask(get_request("/no/such/route")), "not_found"), 404);
}

TEST_F(HttpFramingTest, OptionsTellTheMethodsOfAPath) {
  const std::string a = ask("OPTIONS /v1/workflows HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(status_of(a), 204) << a;
  EXPECT_EQ(header_of(a, "Allow"), "POST, GET, HEAD, OPTIONS");
  const std::string file = ask("OPTIONS /v1/files/download/videos/a.mp4 HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(header_of(file, "Allow"), "GET, HEAD, DELETE, OPTIONS") << file;
  EXPECT_EQ(refusal(ask("OPTIONS /no/such/route HTTP/1.1\r\nHost: localhost\r\n\r\n"), "not_found"), 404);
}

TEST_F(HttpFramingTest, AnswersForbidSniffingAndFraming) {
  for (const std::string path : {"/", "/openapi.json", "/docs", "/v1/no-such-route"}) {
    const std::string a = ask(get_request(path));
    EXPECT_EQ(header_of(a, "X-Content-Type-Options"), "nosniff") << path;
    EXPECT_NE(header_of(a, "Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos)
        << path;
  }
}

TEST_F(HttpFramingTest, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection c(server_->port());
  c.send(get_request("/") + get_request("/v1/no-such-route") + get_request("/"));
  EXPECT_EQ(status_of(c.read_answer(5)), 200);
  EXPECT_EQ(status_of(c.read_answer(5)), 404);
  EXPECT_EQ(status_of(c.read_answer(5)), 200);
}

TEST_F(HttpFramingTest, ARequestSentBeforeTheClientShutsItsSideIsStillAnswered) {
  RawConnection c(server_->port());
  c.send("GET / HTTP/1.0\r\n\r\n");
  c.finish_sending();
  const std::string a = c.read_to_close(5);
  EXPECT_EQ(status_of(a), 200) << a;
}

}  // namespace
}  // namespace yv::test

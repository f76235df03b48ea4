// The strict reading of an HTTP/1.x request head, before any handler or httplib sees the request.
//
// The connection loop (connection_loop.h) reads each request head itself and hands a request to the server
// only once this check has passed, so the framing rules live in one place and are the ones a proxy in front
// of us would apply: a request whose length could be read two ways (request smuggling), whose body would be
// inflated on arrival, or whose head is oversized is refused here with the status RFC 9110/9112 names.
// Parsing is pure (no I/O), so every rule has a unit test.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace yv::http {

struct HeadLimits {
  size_t max_head_bytes = 16 * 1024;  // request line and headers together, with their CRLFs
  size_t max_headers = 100;
};

// What the loop needs to know to frame a request that passed the check.
struct RequestHead {
  std::string method;  // as sent: methods are case-sensitive
  std::string target;  // the request target, query included
  std::string path;    // the target without its query
  bool http10 = false;
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent, values trimmed
  std::optional<uint64_t> content_length;
  bool chunked = false;           // Transfer-Encoding: chunked (the only coding accepted)
  bool expects_continue = false;  // Expect: 100-continue
  bool wants_close = false;       // Connection: close, or HTTP/1.0 without keep-alive
  size_t head_bytes = 0;          // the head's length in the buffer, final CRLF CRLF included

  // The first value of the header `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
};

// Why a request is refused: the status and the {"detail","code"} it is answered with.
struct Refusal {
  int status;
  std::string code;
  std::string detail;
  std::vector<std::pair<std::string, std::string>> headers = {};  // e.g. Allow, with a 405
};

// Where a head ends in `buffer`: the offset just past its blank line, or nullopt while it is incomplete.
std::optional<size_t> head_end(std::string_view buffer);

// Reads the head buffer[0, head_end). Refuses (400 unless said otherwise): a malformed request line or header
// line (obs-fold, whitespace before the colon, control characters), a version other than HTTP/1.0 and 1.1
// (505), more than limits.max_headers headers (431), a Content-Length that is not one plain decimal number or
// appears twice, Content-Length together with Transfer-Encoding, a Transfer-Encoding other than "chunked"
// (501), any Content-Encoding but identity (415: bodies are never inflated), a Host that is not host[:port],
// and a missing or repeated Host on HTTP/1.1. A head with neither length nor chunking has no body (RFC
// 9112 6.3). REQUIRES: head_end(buffer) is set and within limits.max_head_bytes (the caller answers 431
// otherwise).
std::variant<RequestHead, Refusal> parse_request_head(std::string_view buffer, const HeadLimits& limits);

// The head again without its Expect header, for a request whose interim 100 Continue was already sent.
std::string head_without_expect(const RequestHead& head, std::string_view buffer);

// The head again with "Content-Length: 0", for a request that has no body by RFC 9112 6.3 (neither a length
// nor chunking: `curl -X POST .../cancel`), which httplib would otherwise refuse or read to the end of the
// connection.
std::string head_with_empty_body(const RequestHead& head, std::string_view buffer);

// Whether `host` (a Host header's value, port included or not) names this server when it listens on a
// loopback address: localhost, a loopback literal, or one of `allowed` (names given by the operator). A
// server on loopback that answered any Host would let a web page that rebinds its own name to 127.0.0.1 read
// our answers (DNS rebinding).
bool is_allowed_host(std::string_view host, const std::vector<std::string>& allowed);

}  // namespace yv::http

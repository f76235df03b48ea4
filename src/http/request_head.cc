#include "http/request_head.h"

#include <algorithm>
#include <cctype>

namespace yv::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 9110 tchar: what a method or a header name may be made of.
bool is_token(std::string_view s) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kSpecials.find(c) != std::string_view::npos;
  });
}

// Field values may hold visible characters, spaces, tabs and obs-text; no other control character.
bool is_field_value(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Refusal bad(std::string detail) { return {400, "bad_request", std::move(detail)}; }

// host[:port] with host a name or an IP literal (RFC 9110 7.2): nothing that could carry a path, a user or
// markup into the URLs built from it (upload answers' download_url).
bool is_host_value(std::string_view v) {
  const size_t bracket = v.rfind(']');
  const size_t colon = v.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view port = v.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit)) return false;
    v = v.substr(0, colon);
  }
  if (v.size() > 2 && v.front() == '[' && v.back() == ']') {
    v = v.substr(1, v.size() - 2);
    return std::all_of(v.begin(), v.end(), [](char c) { return std::isxdigit(c) || c == ':' || c == '.'; });
  }
  return !v.empty() && v.size() <= 253 && std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

// Reads "METHOD SP target SP HTTP/1.x" into `head`; the refusal, if any.
std::optional<Refusal> read_request_line(std::string_view line, RequestHead& head) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return bad("malformed request line");
  head.method = line.substr(0, sp1);
  head.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(head.method)) return bad("malformed method");
  if (head.target.empty() || head.target.front() != '/' || !is_field_value(head.target) ||
      head.target.find_first_of(" \t") != std::string::npos)
    return bad("the request target must be an absolute path");
  if (version == "HTTP/1.0") {
    head.http10 = true;
  } else if (version != "HTTP/1.1") {
    if (!version.starts_with("HTTP/")) return bad("malformed request line");
    return Refusal{505, "http_version_not_supported", "only HTTP/1.0 and HTTP/1.1 are served"};
  }
  head.path = head.target.substr(0, head.target.find('?'));
  return std::nullopt;
}

// Reads "Name: value" into head.headers; the refusal, if any.
std::optional<Refusal> read_header_line(std::string_view line, RequestHead& head) {
  if (line.front() == ' ' || line.front() == '\t') return bad("folded header lines are not accepted");
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bad("malformed header line");
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = trim(line.substr(colon + 1));
  // "Content-Length : 5" is one header to some parsers and none to others: refused, not guessed (RFC
  // 9112 5.1).
  if (!is_token(name)) return bad("malformed header name");
  if (!is_field_value(value)) return bad("control characters in header " + std::string(name));
  head.headers.emplace_back(name, value);
  return std::nullopt;
}

// Reads the framing headers (length, coding, connection) of a parsed head; the refusal, if any.
std::optional<Refusal> read_framing(RequestHead& head) {
  size_t hosts = 0, lengths = 0;
  bool transfer_encoding = false;
  for (const auto& [name, value] : head.headers) {
    if (iequals(name, "Host")) {
      ++hosts;
      if (!is_host_value(value)) return bad("the Host header is not a host name or address");
    } else if (iequals(name, "Content-Length")) {
      // Two lengths, even equal ones, are how one message is read as two behind a proxy.
      if (++lengths > 1) return bad("more than one Content-Length");
      if (value.empty() || value.size() > 19 || !std::all_of(value.begin(), value.end(), ::isdigit))
        return bad("Content-Length must be one decimal number");
      head.content_length = std::stoull(value);
    } else if (iequals(name, "Transfer-Encoding")) {
      if (transfer_encoding) return bad("more than one Transfer-Encoding");
      transfer_encoding = true;
      if (!iequals(value, "chunked"))
        return Refusal{501, "unsupported_transfer_encoding", "the only Transfer-Encoding served is chunked"};
      head.chunked = true;
    } else if (iequals(name, "Content-Encoding")) {
      // A few compressed bytes can inflate to gigabytes; nothing here needs compressed requests.
      if (!iequals(value, "identity"))
        return Refusal{415, "unsupported_content_encoding", "compressed request bodies are not accepted"};
    } else if (iequals(name, "Expect")) {
      head.expects_continue = iequals(value, "100-continue");
    } else if (iequals(name, "Connection")) {
      if (iequals(value, "close")) head.wants_close = true;
      if (head.http10 && !iequals(value, "keep-alive")) head.wants_close = true;
    }
  }
  if (head.http10 && !head.header("Connection")) head.wants_close = true;
  if (lengths > 0 && transfer_encoding) return bad("Content-Length and Transfer-Encoding together");
  if (!head.http10 && hosts != 1) return bad("an HTTP/1.1 request needs exactly one Host header");
  if (hosts > 1) return bad("more than one Host header");
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> RequestHead::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<size_t> head_end(std::string_view buffer) {
  const size_t at = buffer.find("\r\n\r\n");
  if (at == std::string_view::npos) return std::nullopt;
  return at + 4;
}

std::variant<RequestHead, Refusal> parse_request_head(std::string_view buffer, const HeadLimits& limits) {
  RequestHead head;
  head.head_bytes = *head_end(buffer);
  std::string_view rest = buffer.substr(0, head.head_bytes - 2);  // each line keeps its CRLF
  bool first = true;
  while (!rest.empty()) {
    const size_t eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 2);
    if (line.find_first_of("\r\n") != std::string_view::npos) return bad("bare CR or LF in the head");
    if (first) {
      if (auto refused = read_request_line(line, head)) return *refused;
      first = false;
      continue;
    }
    if (head.headers.size() == limits.max_headers)
      return Refusal{431, "headers_too_large",
                     "more than " + std::to_string(limits.max_headers) + " header lines"};
    if (auto refused = read_header_line(line, head)) return *refused;
  }
  if (auto refused = read_framing(head)) return *refused;
  return head;
}

namespace {

// The head's request line and headers, without those named `drop`, with `extra` ("Name: value\r\n") added.
std::string rebuilt_head(const RequestHead& head, std::string_view buffer, std::string_view drop,
                         std::string_view extra) {
  std::string out(buffer.substr(0, buffer.find("\r\n") + 2));
  for (const auto& [name, value] : head.headers) {
    if (!iequals(name, drop)) out += name + ": " + value + "\r\n";
  }
  return out.append(extra).append("\r\n");
}

}  // namespace

std::string head_without_expect(const RequestHead& head, std::string_view buffer) {
  return rebuilt_head(head, buffer, "Expect", "");
}

std::string head_with_empty_body(const RequestHead& head, std::string_view buffer) {
  return rebuilt_head(head, buffer, "Content-Length", "Content-Length: 0\r\n");
}

bool is_allowed_host(std::string_view host, const std::vector<std::string>& allowed) {
  // Strip the port: "[::1]:8000" -> "[::1]", "localhost:8000" -> "localhost".
  const size_t bracket = host.rfind(']');
  const size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket))
    host = host.substr(0, colon);
  if (iequals(host, "localhost") || host == "[::1]") return true;
  if (host.starts_with("127.") &&
      std::all_of(host.begin(), host.end(), [](char c) { return std::isdigit(c) || c == '.'; }))
    return true;
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) { return iequals(a, host); });
}

}  // namespace yv::http

#include "net/address_guard.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <strings.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <optional>

#include "core/error.h"

namespace yv::net {
namespace {

bool is_private(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    const uint32_t a = ntohl(reinterpret_cast<const sockaddr_in*>(addr)->sin_addr.s_addr);
    const auto in = [a](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x00000000, 8) || in(0x0a000000, 8) || in(0x7f000000, 8) || in(0xa9fe0000, 16) ||
           in(0xac100000, 12) || in(0xc0a80000, 16) || in(0x64400000, 10);
  }
  if (addr->sa_family == AF_INET6) {
    const auto* a6 = &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr;
    const uint8_t* b = a6->s6_addr;
    if (IN6_IS_ADDR_LOOPBACK(a6) || IN6_IS_ADDR_UNSPECIFIED(a6) || IN6_IS_ADDR_LINKLOCAL(a6)) return true;
    if ((b[0] & 0xfe) == 0xfc) return true;  // unique local fc00::/7
    if (IN6_IS_ADDR_V4MAPPED(a6)) {
      sockaddr_in v4{};
      v4.sin_family = AF_INET;
      std::memcpy(&v4.sin_addr, b + 12, 4);
      return is_private(reinterpret_cast<const sockaddr*>(&v4));
    }
    return false;
  }
  return true;
}

// The literal IPv4 or IPv6 address `host`, or nothing when it is a name.
std::optional<sockaddr_storage> literal_address(const std::string& host) {
  sockaddr_storage s{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&s);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&s);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    return s;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    return s;
  }
  return std::nullopt;
}

std::string address_text(const sockaddr* addr) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text, sizeof text);
  } else if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text, sizeof text);
  }
  return text;
}

// libcurl's socket factory: a socket only for an address the guard admits.
curl_socket_t open_admitted(void* guard, curlsocktype, curl_sockaddr* address) {
  if (!static_cast<ConnectionGuard*>(guard)->admit(&address->addr)) return CURL_SOCKET_BAD;
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

}  // namespace

bool truthy(const char* v) {
  return v && (std::strcmp(v, "1") == 0 || std::strcmp(v, "true") == 0 || std::strcmp(v, "yes") == 0);
}

std::string http_host(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return "";
  char* scheme = nullptr;
  char* host = nullptr;
  std::string out;
  if (curl_url_get(u.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      (std::strcmp(scheme, "http") == 0 || std::strcmp(scheme, "https") == 0) &&
      curl_url_get(u.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK) {
    out = host;
    if (out.size() > 2 && out.front() == '[' && out.back() == ']') out = out.substr(1, out.size() - 2);
  }
  curl_free(scheme);
  curl_free(host);
  return out;
}

void check_public_url(const std::string& url, bool allow_private, const std::string& code,
                      const std::string& what, const std::string& allow_variable) {
  const std::string host = http_host(url);
  if (host.empty()) throw Error(code, what + " must be an http(s) URL: " + url, 400);
  if (allow_private) return;
  const auto literal = literal_address(host);
  const bool refused =
      literal ? is_private(reinterpret_cast<const sockaddr*>(&*literal))
              : strcasecmp(host.c_str(), "localhost") == 0 || strcasecmp(host.c_str(), "localhost.") == 0;
  if (refused) {
    throw Error(code,
                what + " host " + host +
                    " is a private or loopback address; the operator can allow it with " + allow_variable +
                    "=1",
                400);
  }
}

void ConnectionGuard::attach(CURL* curl) {
  curl_ = curl;
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_admitted);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, this);
}

bool ConnectionGuard::admit(const sockaddr* address) {
  if (allow_private_ || !is_private(address)) return true;
  refused_address_ = address_text(address);
  return false;
}

std::string ConnectionGuard::explain(int rc) const {
  char* url = nullptr;
  if (curl_) curl_easy_getinfo(curl_, CURLINFO_EFFECTIVE_URL, &url);
  const std::string host = url ? http_host(url) : "";
  if (rc == CURLE_COULDNT_CONNECT && refused()) {
    return "refused: " + host + " is " + refused_address_ +
           ", a private or loopback address; the operator can allow it with " + allow_variable_ + "=1";
  }
  if (rc == CURLE_COULDNT_RESOLVE_HOST) return "the host " + host + " does not resolve";
  if (rc == CURLE_HTTP_RETURNED_ERROR) {
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    return "HTTP " + std::to_string(status);
  }
  return curl_easy_strerror(CURLcode(rc));
}

}  // namespace yv::net

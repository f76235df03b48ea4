#include "net/address_guard.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>

#include <cstring>
#include <memory>

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

// libcurl asks before sending on an established connection: refuse private peers unless allowed.
int check_peer(void* allow_private, char* peer_ip, char*, int, int) {
  if (*static_cast<const bool*>(allow_private)) return CURL_PREREQFUNC_OK;
  sockaddr_storage s{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&s);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&s);
  if (inet_pton(AF_INET, peer_ip, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
  } else if (inet_pton(AF_INET6, peer_ip, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
  } else {
    return CURL_PREREQFUNC_ABORT;
  }
  return is_private(reinterpret_cast<sockaddr*>(&s)) ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
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
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) {
    throw Error(code, what + " host does not resolve: " + host, 400);
  }
  bool refused = false;
  for (const addrinfo* a = found; a; a = a->ai_next) refused = refused || is_private(a->ai_addr);
  freeaddrinfo(found);
  if (refused && !allow_private) {
    throw Error(code,
                what + " host " + host +
                    " is a private or loopback address; the operator can allow it with " + allow_variable +
                    "=1",
                400);
  }
}

void guard_connections(CURL* curl, const bool* allow_private) {
  curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, check_peer);
  curl_easy_setopt(curl, CURLOPT_PREREQDATA, const_cast<bool*>(allow_private));
}

}  // namespace yv::net

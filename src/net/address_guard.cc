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

// A network: an address prefix (IPv4 or IPv6) and its length in bits.
struct Network {
  const char* prefix;
  int bits;
};

// IPv4 addresses that are not public (RFC 6890 and its successors).
constexpr Network kNotPublicIPv4[] = {
    {"0.0.0.0", 8},        // "this network"
    {"10.0.0.0", 8},       // private
    {"100.64.0.0", 10},    // carrier-grade NAT
    {"127.0.0.0", 8},      // loopback
    {"169.254.0.0", 16},   // link-local
    {"172.16.0.0", 12},    // private
    {"192.0.0.0", 24},     // IETF protocol assignments
    {"192.0.2.0", 24},     // documentation (TEST-NET-1)
    {"192.88.99.0", 24},   // 6to4 relay anycast
    {"192.168.0.0", 16},   // private
    {"198.18.0.0", 15},    // benchmarking
    {"198.51.100.0", 24},  // documentation (TEST-NET-2)
    {"203.0.113.0", 24},   // documentation (TEST-NET-3)
    {"224.0.0.0", 4},      // multicast
    {"240.0.0.0", 4},      // reserved, and the broadcast address 255.255.255.255
};

// IPv6 addresses that lead to an IPv4 address, which decides: the IPv4-mapped form connects to it, a NAT64
// gateway translates to it (RFC 6052), a 6to4 relay tunnels to it (RFC 3056). `at`: the byte it starts at.
struct Embedding {
  Network network;
  int at;
};
constexpr Embedding kEmbeddingIPv4[] = {
    {{"::ffff:0:0", 96}, 12},
    {{"64:ff9b::", 96}, 12},
    {{"2002::", 16}, 2},
};

// Global unicast IPv6 (2000::/3) that is not public. Everything outside 2000::/3 is refused too: unspecified,
// loopback, IPv4-compatible ::a.b.c.d, local-use NAT64 64:ff9b:1::/48, discard-only 100::/64, unique-local
// fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast ff00::/8, and what is unassigned.
constexpr Network kNotPublicIPv6[] = {
    {"2001::", 23},      // IETF protocol assignments: benchmarking, ORCHID, and Teredo 2001::/32, whose IPv4
                         // ends are hidden
    {"2001:db8::", 32},  // documentation
    {"3fff::", 20},      // documentation
};

// Whether the address bytes `a` of `family` start with those of `network`.
bool within(const uint8_t* a, int family, const Network& network) {
  uint8_t prefix[16] = {};
  inet_pton(family, network.prefix, prefix);
  const int whole = network.bits / 8, rest = network.bits % 8;
  return std::memcmp(a, prefix, size_t(whole)) == 0 &&
         (rest == 0 || ((a[whole] ^ prefix[whole]) >> (8 - rest)) == 0);
}

bool is_public_ipv4(const uint8_t* a) {
  for (const Network& n : kNotPublicIPv4) {
    if (within(a, AF_INET, n)) return false;
  }
  return true;
}

bool is_public_ipv6(const uint8_t* a) {
  for (const Embedding& e : kEmbeddingIPv4) {
    if (within(a, AF_INET6, e.network)) return is_public_ipv4(a + e.at);
  }
  if ((a[0] & 0xe0) != 0x20) return false;
  for (const Network& n : kNotPublicIPv6) {
    if (within(a, AF_INET6, n)) return false;
  }
  return true;
}

bool is_public(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    const auto* a = &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr;
    return is_public_ipv4(reinterpret_cast<const uint8_t*>(a));
  }
  if (addr->sa_family == AF_INET6) {
    return is_public_ipv6(reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr.s6_addr);
  }
  return false;
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
      literal ? !is_public(reinterpret_cast<const sockaddr*>(&*literal))
              : strcasecmp(host.c_str(), "localhost") == 0 || strcasecmp(host.c_str(), "localhost.") == 0;
  if (refused) {
    throw Error(code,
                what + " host " + host +
                    " is not a public address; the operator can allow private ones with " + allow_variable +
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
  if (allow_private_ || is_public(address)) return true;
  refused_address_ = address_text(address);
  return false;
}

std::string ConnectionGuard::explain(int rc) const {
  char* url = nullptr;
  if (curl_) curl_easy_getinfo(curl_, CURLINFO_EFFECTIVE_URL, &url);
  const std::string host = url ? http_host(url) : "";
  if (rc == CURLE_COULDNT_CONNECT && refused()) {
    return "refused: " + host + " is " + refused_address_ +
           ", not a public address; the operator can allow private ones with " + allow_variable_ + "=1";
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

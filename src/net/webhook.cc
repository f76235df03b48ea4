#include "net/webhook.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/error.h"

namespace yv::net {
namespace {

bool truthy(const char* v) {
  return v && (std::strcmp(v, "1") == 0 || std::strcmp(v, "true") == 0 || std::strcmp(v, "yes") == 0);
}

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

// The host part of an http(s) URL, or "" when the URL is not http(s).
std::string host_of(const std::string& url) {
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

// libcurl asks before sending on an established connection: refuse private peers unless allowed.
int check_peer(void* policy, char* peer_ip, char*, int, int) {
  if (static_cast<const WebhookPolicy*>(policy)->allow_private) return CURL_PREREQFUNC_OK;
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

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

WebhookPolicy WebhookPolicy::from_environment() {
  WebhookPolicy p;
  if (const char* secret = std::getenv("YIVIDEO_CALLBACK_SECRET")) p.secret = secret;
  p.allow_private = truthy(std::getenv("YIVIDEO_CALLBACK_ALLOW_PRIVATE"));
  return p;
}

void check_callback_url(const std::string& url, const WebhookPolicy& policy) {
  const std::string host = host_of(url);
  if (host.empty()) throw Error("invalid_callback", "callback must be an http(s) URL: " + url, 400);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) {
    throw Error("invalid_callback", "callback host does not resolve: " + host, 400);
  }
  bool refused = false;
  for (const addrinfo* a = found; a; a = a->ai_next) refused = refused || is_private(a->ai_addr);
  freeaddrinfo(found);
  if (refused && !policy.allow_private) {
    throw Error("invalid_callback",
                "callback host " + host +
                    " is a private or loopback address; the operator can allow it with "
                    "YIVIDEO_CALLBACK_ALLOW_PRIVATE=1",
                400);
  }
}

std::string signature(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), int(secret.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), mac, &len);
  static const char* kHex = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

WebhookResult post_webhook(const std::string& url, const std::string& body, const WebhookPolicy& policy) {
  if (host_of(url).empty()) return {false, "not an http(s) URL"};
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {false, "cannot initialise libcurl"};
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!policy.secret.empty()) {
    headers = curl_slist_append(headers, ("X-YiVideo-Signature: " + signature(policy.secret, body)).c_str());
  }
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(policy.timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, check_peer);
  curl_easy_setopt(c, CURLOPT_PREREQDATA, const_cast<WebhookPolicy*>(&policy));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc == CURLE_ABORTED_BY_CALLBACK) return {false, "refused: the target is a private address"};
  if (rc != CURLE_OK) return {false, curl_easy_strerror(rc)};
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) return {false, "HTTP " + std::to_string(status)};
  return {true, ""};
}

}  // namespace yv::net

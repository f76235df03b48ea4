#include "net/webhook.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/error.h"
#include "net/address_guard.h"

namespace yv::net {
namespace {

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

WebhookPolicy WebhookPolicy::from_environment() {
  WebhookPolicy p;
  if (const char* secret = std::getenv("YIVIDEO_CALLBACK_SECRET")) p.secret = secret;
  p.allow_private = truthy(std::getenv("YIVIDEO_CALLBACK_ALLOW_PRIVATE"));
  return p;
}

void check_callback_url(const std::string& url, const WebhookPolicy& policy) {
  check_public_url(url, policy.allow_private, "invalid_callback", "callback",
                   "YIVIDEO_CALLBACK_ALLOW_PRIVATE");
}

std::string callback_auth_line(const std::string& given) {
  const auto refuse = [](const std::string& why) {
    return Error("invalid_callback", "callback_auth_header " + why, 400);
  };
  if (given.size() > 4096) throw refuse("is longer than 4096 bytes");
  for (const unsigned char c : given) {
    if (c < 0x20 || c == 0x7f) throw refuse("must not contain control characters (line breaks included)");
  }
  // A header name is an RFC 9110 token; "Bearer abc" has a space before any colon, so it is a bare value.
  const size_t colon = given.find(':');
  const bool named =
      colon != std::string::npos && colon > 0 && given.find_first_of(" \"(),/;<=>?@[\\]{}") > colon;
  std::string name = named ? given.substr(0, colon) : "Authorization";
  std::string value = named ? given.substr(colon + 1) : given;
  value.erase(0, value.find_first_not_of(' '));
  if (value.empty()) throw refuse("has no value");
  std::string lower = name;
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (const char* own : {"content-type", "content-length", "host", "x-yivideo-signature",
                          "transfer-encoding", "connection", "expect"}) {
    if (lower == own) throw refuse("may not set " + name + ": the delivery sets it");
  }
  return name + ": " + value;
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

WebhookResult post_webhook(const std::string& url, const std::string& body, const WebhookPolicy& policy,
                           const std::optional<std::string>& auth_line) {
  if (http_host(url).empty()) return {false, "not an http(s) URL"};
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {false, "cannot initialise libcurl"};
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!policy.secret.empty()) {
    headers = curl_slist_append(headers, ("X-YiVideo-Signature: " + signature(policy.secret, body)).c_str());
  }
  if (auth_line) headers = curl_slist_append(headers, auth_line->c_str());
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(policy.timeout_seconds * 1000));
  ConnectionGuard guard(policy.allow_private, "YIVIDEO_CALLBACK_ALLOW_PRIVATE");
  guard.attach(c);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return {false, guard.explain(rc), guard.refused()};
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) return {false, "HTTP " + std::to_string(status)};
  return {true, ""};
}

}  // namespace yv::net

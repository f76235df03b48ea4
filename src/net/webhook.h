// Sending webhooks (callbacks) safely: a thin wrapper over libcurl and OpenSSL's HMAC.
//
// Callback targets must be public http(s) URLs unless the operator allows private ones (address_guard.h):
// their syntax and literal addresses are checked when the request is submitted, the address a name resolves
// to when the callback is delivered, on the connection actually made. Redirects are not followed.
#pragma once

#include <optional>
#include <string>

namespace yv::net {

struct WebhookPolicy {
  std::string secret;          // HMAC-SHA256 key for X-YiVideo-Signature; empty: unsigned
  bool allow_private = false;  // allow loopback/private/link-local targets
  double timeout_seconds = 10;

  // From $YIVIDEO_CALLBACK_SECRET and $YIVIDEO_CALLBACK_ALLOW_PRIVATE (1/true/yes).
  static WebhookPolicy from_environment();
};

// Throws yv::Error "invalid_callback" (400) when `url` is not an http(s) URL, or its host is a literal
// private address (or localhost) the policy does not allow. Never resolves a name.
void check_callback_url(const std::string& url, const WebhookPolicy& policy);

// The header line a submitter's `callback_auth_header` asks for: "Name: value" as given, or a bare value
// as "Authorization: value". Throws yv::Error "invalid_callback" (400) for an empty value, control
// characters, more than 4 KiB, or a header that the delivery sets itself (Content-Type, Content-Length,
// Host, X-YiVideo-Signature, Transfer-Encoding, Connection).
std::string callback_auth_line(const std::string& given);

// "sha256=<hex HMAC-SHA256 of body under secret>".
std::string signature(const std::string& secret, const std::string& body);

struct WebhookResult {
  bool delivered = false;  // the target answered 2xx
  std::string error;       // why not, when not
  bool refused = false;    // the target's address is not allowed: another attempt would be refused too
};

// POSTs `body` (JSON) to `url`, signed when the policy has a secret, with `auth_line` (callback_auth_line)
// as a header when given. Never throws.
WebhookResult post_webhook(const std::string& url, const std::string& body, const WebhookPolicy& policy,
                           const std::optional<std::string>& auth_line = std::nullopt);

}  // namespace yv::net

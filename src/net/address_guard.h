// Outbound requests to addresses that clients choose (callbacks, URL inputs) must not turn the server into
// the client's proxy into the server's own network. A URL is accepted only when it is http(s) and its host
// resolves to public addresses, unless the operator allows private ones (loopback, RFC 1918, link-local,
// CGNAT, unique-local IPv6); the check is made again on every connection libcurl actually opens (redirects
// included), so a name that later resolves elsewhere (DNS rebinding) gains nothing.
#pragma once

#include <string>

typedef void CURL;

namespace yv::net {

// The host of an http(s) URL (without IPv6 brackets), or "" when the URL is not http(s).
std::string http_host(const std::string& url);

// Throws yv::Error `code` (400) when `url` is not an http(s) URL, its host does not resolve, or it resolves
// to a private address and !allow_private. `what` names the URL in messages ("callback"); `allow_variable`
// names the setting that allows private addresses.
void check_public_url(const std::string& url, bool allow_private, const std::string& code,
                      const std::string& what, const std::string& allow_variable);

// Makes `curl` refuse connections to private peers unless *allow_private (which must outlive the transfer);
// the transfer then fails with CURLE_ABORTED_BY_CALLBACK.
void guard_connections(CURL* curl, const bool* allow_private);

// 1, true or yes.
bool truthy(const char* value);

}  // namespace yv::net

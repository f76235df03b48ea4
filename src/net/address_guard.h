// Outbound requests to addresses that clients choose (callbacks, URL inputs) must not turn the server into
// the client's proxy into the server's own network. Only public unicast addresses may be reached, unless the
// operator allows private ones: not loopback, private (RFC 1918, unique-local), link-local, CGNAT, multicast,
// broadcast, benchmarking, documentation or reserved ranges, nor IPv6 forms that lead to such an IPv4 address
// (IPv4-mapped, NAT64, 6to4) or hide it (IPv4-compatible, Teredo).
//
// Names are never resolved on the request path: a DNS lookup may take seconds, and an API thread would wait
// for it. When a URL is submitted, check_public_url() looks only at the URL itself: its syntax and, when its
// host is a literal address (or `localhost`, whose answer is fixed), that address. The name is resolved by
// libcurl when the connection is made, and ConnectionGuard checks every address libcurl is about to connect
// to (redirects included) before the socket exists: the address checked is the address connected to, so a
// name that resolves elsewhere between a check and the connection (DNS rebinding) gains nothing.
#pragma once

#include <string>

typedef void CURL;
struct sockaddr;

namespace yv::net {

// The host of an http(s) URL (without IPv6 brackets), or "" when the URL is not http(s).
std::string http_host(const std::string& url);

// Throws yv::Error `code` (400) when `url` is not an http(s) URL, or its host is a literal private address
// (or `localhost`) and !allow_private. Never resolves a name. `what` names the URL in messages ("callback");
// `allow_variable` names the setting that allows private addresses.
void check_public_url(const std::string& url, bool allow_private, const std::string& code,
                      const std::string& what, const std::string& allow_variable);

// Refuses, during one libcurl transfer, connections to private addresses unless they are allowed, and says in
// words why a transfer failed.
class ConnectionGuard {
 public:
  // `allow_variable` names the setting that allows private addresses, for messages.
  ConnectionGuard(bool allow_private, std::string allow_variable)
      : allow_private_(allow_private), allow_variable_(std::move(allow_variable)) {}

  // Makes `curl` check each address it is about to connect to; a refused one is never connected to, and
  // when no address is left the transfer fails with CURLE_COULDNT_CONNECT. REQUIRES: the guard outlives the
  // transfer.
  void attach(CURL* curl);
  // Whether a connection to `address` may be made; a refused address is remembered for explain().
  bool admit(const sockaddr* address);
  // Whether an address was refused.
  bool refused() const { return !refused_address_.empty(); }
  // Why the transfer that ended with the CURLcode `rc` failed: the address refused, the host that does not
  // resolve, the HTTP status, or libcurl's message.
  std::string explain(int rc) const;

 private:
  bool allow_private_;
  std::string allow_variable_;
  CURL* curl_ = nullptr;
  std::string refused_address_;  // the last address refused
};

// 1, true or yes.
bool truthy(const char* value);

}  // namespace yv::net

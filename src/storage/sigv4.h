// AWS Signature Version 4 for S3 requests: the Authorization header of a request, and presigned GET URLs.
//
// Our own small implementation (OpenSSL HMAC-SHA256) rather than libcurl's CURLOPT_AWS_SIGV4, so that uploads
// streamed from a file can be signed with an unsigned payload, presigned URLs use the same code, and both are
// checked against AWS's published examples (tests/unit/sigv4_test.cc).
#pragma once

#include <map>
#include <string>

namespace yv::storage {

struct Credentials {
  std::string access_key, secret_key, region = "us-east-1";
};

struct SignedRequest {
  std::string method;                        // "GET", "PUT", ...
  std::string host;                          // as sent in the Host header, with ":port" when not the default
  std::string path;                          // URI-encoded path, e.g. "/bucket/a%20b.mp4"
  std::map<std::string, std::string> query;  // decoded names and values
  std::map<std::string, std::string> headers;     // extra headers to sign (lower-case names), e.g. range
  std::string payload_hash = "UNSIGNED-PAYLOAD";  // hex SHA-256 of the body, or UNSIGNED-PAYLOAD
  std::string amz_date;                           // "YYYYMMDDTHHMMSSZ"
};

// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX; '/' kept when `path`.
std::string uri_encode(const std::string& s, bool path);

// Hex SHA-256 of `data`.
std::string sha256_hex(const std::string& data);

// The headers to add to the request: x-amz-date, x-amz-content-sha256 and Authorization.
std::map<std::string, std::string> sign(const SignedRequest& request, const Credentials& credentials);

// The query string (without '?') that makes `request` (a GET, no body) valid for `expires_seconds` without
// credentials.
std::string presign_query(const SignedRequest& request, const Credentials& credentials, int expires_seconds);

// The current time as "YYYYMMDDTHHMMSSZ".
std::string amz_now();

}  // namespace yv::storage

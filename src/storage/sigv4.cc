#include "storage/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <ctime>

namespace yv::storage {
namespace {

std::string hex(const unsigned char* data, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

std::string hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string scope(const SignedRequest& r, const Credentials& c) {
  return r.amz_date.substr(0, 8) + "/" + c.region + "/s3/aws4_request";
}

// The signature of a canonical request (method, path, query, headers, signed header list, payload hash).
std::string signature(const SignedRequest& r, const Credentials& c,
                      const std::map<std::string, std::string>& query,
                      const std::map<std::string, std::string>& headers) {
  std::string canonical_query, canonical_headers, signed_headers;
  for (const auto& [k, v] : query) {
    if (!canonical_query.empty()) canonical_query += '&';
    canonical_query.append(uri_encode(k, false)).append("=").append(uri_encode(v, false));
  }
  for (const auto& [k, v] : headers) {
    canonical_headers.append(k).append(":").append(v).append("\n");
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += k;
  }
  const std::string canonical = r.method + "\n" + r.path + "\n" + canonical_query + "\n" + canonical_headers +
                                "\n" + signed_headers + "\n" + r.payload_hash;
  const std::string to_sign =
      "AWS4-HMAC-SHA256\n" + r.amz_date + "\n" + scope(r, c) + "\n" + sha256_hex(canonical);
  std::string key = hmac("AWS4" + c.secret_key, r.amz_date.substr(0, 8));
  key = hmac(key, c.region);
  key = hmac(key, "s3");
  key = hmac(key, "aws4_request");
  const std::string sig = hmac(key, to_sign);
  return hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

std::string signed_header_list(const std::map<std::string, std::string>& headers) {
  std::string out;
  for (const auto& [k, v] : headers) {
    if (!out.empty()) out += ';';
    out += k;
  }
  return out;
}

}  // namespace

std::string uri_encode(const std::string& s, bool path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (path && c == '/')) {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string sha256_hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return hex(digest, sizeof digest);
}

std::map<std::string, std::string> sign(const SignedRequest& r, const Credentials& c) {
  std::map<std::string, std::string> headers = r.headers;
  headers["host"] = r.host;
  headers["x-amz-content-sha256"] = r.payload_hash;
  headers["x-amz-date"] = r.amz_date;
  const std::string sig = signature(r, c, r.query, headers);
  std::map<std::string, std::string> out;
  out["x-amz-date"] = r.amz_date;
  out["x-amz-content-sha256"] = r.payload_hash;
  out["Authorization"] = "AWS4-HMAC-SHA256 Credential=" + c.access_key + "/" + scope(r, c) +
                         ",SignedHeaders=" + signed_header_list(headers) + ",Signature=" + sig;
  return out;
}

std::string presign_query(const SignedRequest& request, const Credentials& c, int expires_seconds) {
  SignedRequest r = request;
  r.payload_hash = "UNSIGNED-PAYLOAD";
  std::map<std::string, std::string> query = r.query;
  query["X-Amz-Algorithm"] = "AWS4-HMAC-SHA256";
  query["X-Amz-Credential"] = c.access_key + "/" + scope(r, c);
  query["X-Amz-Date"] = r.amz_date;
  query["X-Amz-Expires"] = std::to_string(expires_seconds);
  query["X-Amz-SignedHeaders"] = "host";
  const std::string sig = signature(r, c, query, {{"host", r.host}});
  query["X-Amz-Signature"] = sig;
  std::string out;
  for (const auto& [k, v] : query) {
    if (!out.empty()) out += '&';
    out.append(uri_encode(k, false)).append("=").append(uri_encode(v, false));
  }
  return out;
}

std::string amz_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char out[17];
  std::strftime(out, sizeof out, "%Y%m%dT%H%M%SZ", &utc);
  return out;
}

}  // namespace yv::storage

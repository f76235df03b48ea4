#include "net/download.h"

#include <curl/curl.h>

#include <cstdlib>
#include <fstream>
#include <memory>

#include "core/error.h"
#include "net/address_guard.h"

namespace yv::net {

DownloadPolicy DownloadPolicy::from_environment() {
  DownloadPolicy p;
  p.allow_private = truthy(std::getenv("YIVIDEO_URL_ALLOW_PRIVATE"));
  if (const char* v = std::getenv("YIVIDEO_URL_MAX_BYTES"); v && *v)
    p.max_bytes = std::strtoull(v, nullptr, 10);
  if (const char* v = std::getenv("YIVIDEO_URL_TIMEOUT"); v && *v) p.timeout_seconds = std::atof(v);
  return p;
}

void check_input_url(const std::string& url, const DownloadPolicy& policy) {
  check_public_url(url, policy.allow_private, "invalid_path", "input URL", "YIVIDEO_URL_ALLOW_PRIVATE");
}

void download(const std::string& url, const std::filesystem::path& file, const DownloadPolicy& policy) {
  struct Sink {
    std::ofstream out;
    uint64_t written = 0, limit = 0;
    bool too_large = false;
  } sink{std::ofstream(file, std::ios::binary | std::ios::trunc), 0, policy.max_bytes, false};
  if (!sink.out) throw Error("storage_error", "cannot write " + file.string(), 507);
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw Error("input_unavailable", "cannot initialise libcurl", 500);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, policy.max_redirects);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(policy.timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                   curl_off_t(policy.max_bytes));  // when the length is announced
  ConnectionGuard guard(policy.allow_private, "YIVIDEO_URL_ALLOW_PRIVATE");
  guard.attach(c);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(
      c, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* user) -> size_t {
        auto* s = static_cast<Sink*>(user);
        if (s->written + size * n > s->limit) {  // when it is not announced
          s->too_large = true;
          return 0;
        }
        s->out.write(data, std::streamsize(size * n));
        s->written += size * n;
        return s->out ? size * n : 0;
      });
  const CURLcode rc = curl_easy_perform(c);
  sink.out.close();
  if (rc == CURLE_OK && sink.out) return;
  std::error_code ec;
  std::filesystem::remove(file, ec);
  if (rc == CURLE_FILESIZE_EXCEEDED || sink.too_large) {
    throw Error("input_too_large",
                "the input at " + url + " is larger than the limit of " + std::to_string(policy.max_bytes) +
                    " bytes (YIVIDEO_URL_MAX_BYTES)",
                413);
  }
  throw Error("input_unavailable", "cannot download the input " + url + ": " + guard.explain(rc), 400);
}

}  // namespace yv::net

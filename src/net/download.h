// Downloading an http(s) URL that a client gave as a node input, within limits: public addresses only unless
// allowed (address_guard.h, on every connection, redirects included), at most `max_redirects` redirects and
// only to http(s), at most `max_bytes`, at most `timeout_seconds` in all.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace yv::net {

struct DownloadPolicy {
  bool allow_private = false;
  uint64_t max_bytes = uint64_t(10) << 30;
  double timeout_seconds = 3600;
  long max_redirects = 5;

  // From YIVIDEO_URL_ALLOW_PRIVATE (1/true/yes), YIVIDEO_URL_MAX_BYTES and YIVIDEO_URL_TIMEOUT (seconds).
  static DownloadPolicy from_environment();
};

// Throws yv::Error "invalid_path" (400) for a URL the policy refuses at once: not http(s), or a literal
// private address (or localhost). Never resolves a name: that happens, and is checked, when download()
// connects.
void check_input_url(const std::string& url, const DownloadPolicy& policy);

// Writes the body of `url` to `file`. Throws yv::Error: "input_too_large" (413) past max_bytes;
// "input_unavailable" (400) when the answer is not 2xx, there are too many redirects, the target is a private
// address, or the transfer fails or times out. A partial file is removed.
void download(const std::string& url, const std::filesystem::path& file, const DownloadPolicy& policy);

}  // namespace yv::net

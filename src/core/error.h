// The one error type of YiVideo.
//
// Every failure a user can cause or meet (bad input, missing file, broken media, a model that is not
// installed) is an Error carrying a stable snake_case `code`, a human `detail`, and the HTTP status the API
// answers with. The HTTP layer turns it into {"detail","code"}; the CLI prints the detail and exits non-zero.
// Anything thrown that is not an Error is a bug in YiVideo, never the user's fault.
#pragma once

#include <stdexcept>
#include <string>

namespace yv {

class Error : public std::runtime_error {
 public:
  // REQUIRES: code is stable snake_case (clients match on it); http_status is a 4xx/5xx status.
  Error(std::string code, const std::string& detail, int http_status = 400)
      : std::runtime_error(detail), code_(std::move(code)), http_status_(http_status) {}

  const std::string& code() const { return code_; }
  std::string detail() const { return what(); }
  int http_status() const { return http_status_; }

 private:
  std::string code_;
  int http_status_;
};

}  // namespace yv

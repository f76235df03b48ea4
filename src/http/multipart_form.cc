#include "http/multipart_form.h"

#include <httplib.h>

#include <algorithm>
#include <cstdlib>

#include "core/error.h"

namespace yv::http {

std::optional<std::string> MultipartForm::field(const std::string& name) const {
  const auto it = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; });
  return it == fields.end() ? std::nullopt : std::optional<std::string>(it->second);
}

MultipartForm read_multipart_form(const storage::BlobStore& store, uint64_t limit,
                                  const httplib::Request& req, const httplib::ContentReader& reader) {
  if (!req.is_multipart_form_data()) {
    throw Error("invalid_request", "send multipart/form-data with a 'file' part (curl -F file=@...)", 400);
  }
  // The body's length bounds the file's: a body that cannot fit above the disk's reserve is refused unread.
  const uint64_t announced = req.has_header("Content-Length")
                                 ? std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10)
                                 : 0;
  MultipartForm form{store.begin_upload(std::min(announced, limit)), "", {}};
  bool in_file = false;
  int files = 0;
  std::string refused;
  std::optional<Error> failed;  // of the spool file: the disk is full, or fell under its reserve
  const bool complete = reader(
      [&](const httplib::MultipartFormData& header) {
        in_file = header.name == "file";
        if (in_file && ++files == 1) form.filename = header.filename;
        if (files > 1) refused = "send exactly one 'file' part";
        if (!in_file && form.fields.size() == kMaxFields) refused = "too many form fields";
        if (!in_file && refused.empty()) form.fields.emplace_back(header.name, "");
        return refused.empty();
      },
      [&](const char* data, size_t n) {
        if (in_file) {
          if (form.file.size() + n > limit) {
            refused = "too_large";
            return false;
          }
          try {
            form.file.write(data, n);
          } catch (const Error& e) {
            failed = e;
            return false;
          }
        } else if (auto& [name, value] = form.fields.back(); value.size() + n <= kMaxFieldBytes) {
          value.append(data, n);
        } else {
          refused = "form field '" + name + "' is too long";
          return false;
        }
        return true;
      });
  if (failed) throw *failed;
  if (refused == "too_large") {
    throw Error("payload_too_large",
                "the file is larger than the limit of " + std::to_string(limit) + " bytes", 413);
  }
  if (!refused.empty()) throw Error("invalid_request", refused, 400);
  if (!complete) throw Error("incomplete_upload", "the upload ended before the whole body arrived", 400);
  if (files == 0) throw Error("invalid_request", "the 'file' part is missing", 400);
  return form;
}

}  // namespace yv::http

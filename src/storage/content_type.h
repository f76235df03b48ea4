// The Content-Type of a stored object: recognised from its first bytes (what it is), else from its name's
// extension (what the uploader called it), else application/octet-stream.
#pragma once

#include <string>

namespace yv::storage {

std::string content_type(const std::string& name, const std::string& head);

// Whether `type` is one that content_type() gives for something it recognised (not the octet-stream
// fallback): a type recorded with an object is served only if so, never one another writer chose
// (text/html from our origin would run as a page).
bool recognised_content_type(const std::string& type);

}  // namespace yv::storage

// The Content-Type of a stored object: recognised from its first bytes (what it is), else from its name's
// extension (what the uploader called it), else application/octet-stream.
#pragma once

#include <string>

namespace yv::storage {

std::string content_type(const std::string& name, const std::string& head);

}  // namespace yv::storage

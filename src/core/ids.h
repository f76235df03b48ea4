// Identifiers handed to users.
#pragma once

#include <string>
#include <string_view>

namespace yv {

// A random (version 4) UUID in its canonical lower-case form, from the OS's entropy source.
std::string uuid4();

// Whether `id`, chosen by a client, is safe as the name of a record and as one segment of the path of its
// files (tasks/<id>/): 1-128 characters of letters, digits and - _ . :, and neither "." nor "..", which
// would name a folder above its own.
bool is_safe_id(std::string_view id);

// The time `unix_seconds` as ISO-8601 UTC with milliseconds and a "Z": "2026-11-28T12:26:21.123Z".
std::string iso8601(double unix_seconds);

}  // namespace yv

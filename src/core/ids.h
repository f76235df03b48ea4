// Identifiers handed to users.
#pragma once

#include <string>

namespace yv {

// A random (version 4) UUID in its canonical lower-case form, from the OS's entropy source.
std::string uuid4();

// The time `unix_seconds` as ISO-8601 UTC with milliseconds and a "Z": "2026-11-28T12:26:21.123Z".
std::string iso8601(double unix_seconds);

}  // namespace yv

// Facts fixed when this binary was built.
#pragma once

namespace yv {

// YiVideo's own version (CMake's project version, passed in as YIVIDEO_VERSION_STRING).
inline constexpr const char* kVersion = YIVIDEO_VERSION_STRING;

}  // namespace yv

#include "core/paths.h"

#include <cstdlib>

namespace yv {
namespace {

std::filesystem::path from_env(const char* own, const char* xdg, const char* home_fallback) {
  if (const char* v = std::getenv(own); v && *v) return v;
  if (const char* v = std::getenv(xdg); v && *v) return std::filesystem::path(v) / "yivideo";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / home_fallback / "yivideo";
}

}  // namespace

std::filesystem::path cache_dir() { return from_env("YIVIDEO_CACHE", "XDG_CACHE_HOME", ".cache"); }

std::filesystem::path data_dir() { return from_env("YIVIDEO_DATA_DIR", "XDG_DATA_HOME", ".local/share"); }

}  // namespace yv

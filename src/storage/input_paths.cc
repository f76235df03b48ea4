#include "storage/input_paths.h"

#include <cstdlib>
#include <sstream>

#include "core/error.h"
#include "core/paths.h"

namespace yv::storage {
namespace fs = std::filesystem;

fs::path storage_root() { return data_dir() / "files"; }

std::vector<fs::path> allowed_roots() {
  std::vector<fs::path> roots{storage_root()};
  if (const char* env = std::getenv("YIVIDEO_ALLOWED_ROOTS"); env && *env) {
    std::stringstream list(env);
    for (std::string root; std::getline(list, root, ':');) {
      if (!root.empty()) roots.emplace_back(root);
    }
  }
  return roots;
}

std::string resolve_input_path(const std::string& given, const std::vector<fs::path>& roots) {
  if (given.empty() || given.find('\0') != std::string::npos || !fs::path(given).is_absolute()) {
    throw Error("invalid_path",
                "invalid input path '" + given + "': give an absolute path inside an allowed root", 400);
  }
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(given, ec);
  if (ec) throw Error("invalid_path", "invalid input path '" + given + "'", 400);
  for (const auto& root : roots) {
    const fs::path base = fs::weakly_canonical(root, ec);
    if (ec) continue;
    const auto rel = resolved.lexically_relative(base);
    if (!rel.empty() && *rel.begin() != "..") {
      if (!fs::is_regular_file(resolved, ec)) throw Error("file_not_found", "文件不存在: " + given, 404);
      return resolved.string();
    }
  }
  throw Error("invalid_path", "input path '" + given + "' is outside the allowed roots", 400);
}

}  // namespace yv::storage

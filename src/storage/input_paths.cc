#include "storage/input_paths.h"

#include <cstdlib>
#include <sstream>

#include "core/error.h"
#include "core/paths.h"
#include "storage/blob_store.h"
#include "storage/object_keys.h"

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

std::string InputResolver::resolve(const std::string& given) const {
  if (given.empty() || given.find('\0') != std::string::npos)
    throw Error("invalid_path", "empty input path", 400);
  const auto object = [&](const std::string& bucket, const std::string& key) {
    if (!store_.stat(bucket, key)) throw Error("file_not_found", "文件不存在: " + given, 404);
    if (const auto file = store_.local_file(bucket, key)) return file->string();
    return "s3://" + bucket + "/" + key;
  };
  const auto& roots = roots_;
  for (const std::string scheme : {"s3://", "minio://"}) {
    if (!given.starts_with(scheme)) continue;
    const std::string rest = given.substr(scheme.size());
    const auto slash = rest.find('/');
    if (slash == std::string::npos) throw Error("invalid_path", "give " + scheme + "<bucket>/<key>", 400);
    return object(rest.substr(0, slash), rest.substr(slash + 1));
  }
  if (given.starts_with("http://") || given.starts_with("https://")) {
    net::check_input_url(given, urls_);
    return given;
  }
  if (given.starts_with("/share/")) return object(kDefaultBucket, given.substr(7));
  if (!fs::path(given).is_absolute()) return object(kDefaultBucket, given);
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

void InputResolver::resolve_params(nlohmann::json& params,
                                   const std::function<bool(const nlohmann::json&)>& keep) const {
  for (auto& [key, value] : params.items()) {
    if (key.ends_with("_path") && value.is_string() && !(keep && keep(value))) value = resolve(value);
  }
}

}  // namespace yv::storage

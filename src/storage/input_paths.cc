#include "storage/input_paths.h"

#include <algorithm>
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
  // A path that cannot be resolved (a directory on the way that may not be searched) is refused like one
  // outside the roots: a different answer would tell what lies there.
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(given, ec);
  const bool inside = !ec && std::any_of(roots_.begin(), roots_.end(), [&](const fs::path& root) {
    std::error_code root_ec;
    const auto rel = resolved.lexically_relative(fs::weakly_canonical(root, root_ec));
    return !root_ec && !rel.empty() && *rel.begin() != "..";
  });
  if (!inside) throw Error("invalid_path", "input path '" + given + "' is outside the allowed roots", 400);
  if (!fs::is_regular_file(resolved, ec)) throw Error("file_not_found", "文件不存在: " + given, 404);
  return resolved.string();
}

bool names_file(std::string_view name) {
  return name != "output_path" && (name.ends_with("_path") || name.ends_with("_file"));
}

namespace {

void visit_files(nlohmann::json& params, bool nested,
                 const std::function<void(const std::string&, nlohmann::json&)>& visit) {
  if (!params.is_object()) return;
  for (auto& [key, value] : params.items()) {
    if (value.is_string()) {
      if (names_file(key) || (nested && key == "path")) visit(key, value);
    } else if (value.is_object()) {
      visit_files(value, true, visit);
    } else if (value.is_array()) {
      for (auto& item : value) {
        if (item.is_string() && key.ends_with("_files")) visit(key, item);
        if (item.is_object()) visit_files(item, true, visit);
      }
    }
  }
}

}  // namespace

void for_each_input_file(nlohmann::json& params,
                         const std::function<void(const std::string& name, nlohmann::json& value)>& visit) {
  visit_files(params, false, visit);
}

nlohmann::json InputResolver::resolve_params(nlohmann::json& params,
                                             const std::function<bool(const nlohmann::json&)>& keep) const {
  nlohmann::json names = nlohmann::json::object();
  for_each_input_file(params, [&](const std::string&, nlohmann::json& value) {
    if (keep && keep(value)) return;
    const std::string given = value;
    value = resolve(given);
    if (value != given) names[value.get<std::string>()] = given;
  });
  return names;
}

std::string as_given(std::string text, const nlohmann::json& names) {
  // Longest first, so that a name is never rewritten inside a longer one that starts with it.
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [server, given] : names.items()) {
    if (!server.empty()) pairs.emplace_back(server, given.get<std::string>());
  }
  std::sort(pairs.begin(), pairs.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [server, given] : pairs) {
    for (size_t at = text.find(server); at != std::string::npos; at = text.find(server, at + given.size())) {
      text.replace(at, server.size(), given);
    }
  }
  return text;
}

nlohmann::json params_as_given(nlohmann::json params, const nlohmann::json& names) {
  if (!params.is_object()) return params;
  for (auto& [key, value] : params.items()) {
    if (value.is_string() && names.contains(value.get<std::string>()))
      value = names[value.get<std::string>()];
  }
  return params;
}

}  // namespace yv::storage

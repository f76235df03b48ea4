#include "storage/staging.h"

#include <atomic>
#include <functional>
#include <map>

#include "core/error.h"
#include "storage/input_paths.h"
#include "storage/object_keys.h"

namespace yv::storage {
namespace fs = std::filesystem;

void fetch_inputs(const BlobStore* store, nlohmann::json& params, const fs::path& dir,
                  const net::DownloadPolicy& urls) {
  static std::atomic<uint64_t> counter{0};
  // Named after the source (FFmpeg looks at extensions), numbered so that two inputs never collide.
  const auto local_name = [&](const std::string& name) {
    fs::create_directories(dir);
    return dir / (std::to_string(counter++) + "-" + (name.empty() ? "input" : name));
  };
  const bool remote = store && !store->local();
  for (auto& [name, value] : params.items()) {
    if (!names_file(name) || !value.is_string()) continue;
    const std::string given = value;
    if (given.starts_with("http://") || given.starts_with("https://")) {
      std::string file = given.substr(0, given.find_first_of("?#"));
      file = file.substr(file.find_last_of('/') + 1);
      const fs::path local = local_name(file.find("..") == std::string::npos ? file : "");
      net::download(given, local, urls);
      value = local.string();
      continue;
    }
    if (!remote) continue;  // local store objects and local paths are used in place
    std::string bucket = kDefaultBucket, key;
    if (given.starts_with("s3://")) {
      const auto slash = given.find('/', 5);
      if (slash == std::string::npos)
        throw Error("invalid_path", "give s3://<bucket>/<key>, not " + given, 400);
      bucket = given.substr(5, slash - 5);
      key = given.substr(slash + 1);
    } else if (given.starts_with("/share/")) {
      key = given.substr(7);
    } else {
      continue;  // a local path, already checked against the allowed roots
    }
    check_bucket(bucket);
    check_key(key);
    const fs::path local = local_name(fs::path(key).filename().string());
    store->get_file(bucket, key, local);
    value = local.string();
  }
}

void publish_outputs(const BlobStore& store, nlohmann::json& output, const fs::path& work_dir,
                     const std::string& prefix) {
  std::map<std::string, std::string> published;  // local path -> reference
  if (fs::exists(work_dir)) {
    for (const auto& entry : fs::recursive_directory_iterator(work_dir)) {
      if (!entry.is_regular_file()) continue;
      const std::string key = prefix + "/" + entry.path().lexically_relative(work_dir).generic_string();
      store.put_file(entry.path(), kDefaultBucket, key);
      published[entry.path().string()] = "/share/" + key;
    }
  }
  // Wherever a published file is named (top level, or nested as in subtitle_files), name its object instead.
  const std::function<void(nlohmann::json&)> rewrite = [&](nlohmann::json& v) {
    if (v.is_string()) {
      if (const auto it = published.find(v.get<std::string>()); it != published.end()) v = it->second;
    } else if (v.is_structured()) {
      for (auto& child : v) rewrite(child);
    }
  };
  rewrite(output);
}

}  // namespace yv::storage

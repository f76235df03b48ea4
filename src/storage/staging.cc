#include "storage/staging.h"

#include <atomic>
#include <cstdint>
#include <functional>

#include "core/error.h"
#include "storage/input_paths.h"
#include "storage/object_keys.h"

namespace yv::storage {
namespace fs = std::filesystem;

nlohmann::json fetch_inputs(const BlobStore* store, nlohmann::json& params, const fs::path& dir,
                            const net::DownloadPolicy& urls) {
  static std::atomic<uint64_t> counter{0};
  // Named after the source (FFmpeg looks at extensions), numbered so that two inputs never collide.
  const auto local_name = [&](const std::string& name) {
    fs::create_directories(dir);
    return dir / (std::to_string(counter++) + "-" + (name.empty() ? "input" : name));
  };
  const bool remote = store && !store->local();
  nlohmann::json fetched = nlohmann::json::object();
  const auto stage = [&](nlohmann::json& value) {
    const std::string given = value;
    if (given.starts_with("http://") || given.starts_with("https://")) {
      std::string file = given.substr(0, given.find_first_of("?#"));
      file = file.substr(file.find_last_of('/') + 1);
      const fs::path local = local_name(file.find("..") == std::string::npos ? file : "");
      net::download(given, local, urls);
      value = local.string();
    } else if (store && (given.starts_with("s3://") || share_key(given))) {
      std::string bucket = kDefaultBucket, key;
      if (given.starts_with("s3://")) {
        const auto slash = given.find('/', 5);
        if (slash == std::string::npos)
          throw Error("invalid_path", "give s3://<bucket>/<key>, not " + given, 400);
        bucket = given.substr(5, slash - 5);
        key = given.substr(slash + 1);
      } else {
        key = *share_key(given);
      }
      check_bucket(bucket);
      check_key(key);
      if (!remote) {
        value = store->local_file(bucket, key)->string();
      } else if (given.ends_with('/')) {  // a folder of an earlier stage (key frames, cropped images)
        const fs::path local = local_name(fs::path(key).filename().string());
        bool truncated = false;
        for (const auto& o : store->list(bucket, key + "/", SIZE_MAX, truncated)) {
          const fs::path file = local / fs::path(o.key.substr(key.size() + 1));
          fs::create_directories(file.parent_path());
          store->get_file(bucket, o.key, file);
        }
        value = local.string() + "/";
      } else {
        const fs::path local = local_name(fs::path(key).filename().string());
        store->get_file(bucket, key, local);
        value = local.string();
      }
    }
    // Otherwise a local path, already checked against the allowed roots (or a run without a store, yivideo
    // run, which has local paths only).
    if (value != given) fetched[value.get<std::string>()] = given;
  };
  // Parameters that name folders (keyframe_dir) get earlier stages' "/share/..." names too.
  for (auto& [name, value] : params.items()) {
    if (value.is_string() && !names_file(name) && share_key(value.get<std::string>())) stage(value);
  }
  for_each_input_file(params, [&](const std::string&, nlohmann::json& value) { stage(value); });
  return fetched;
}

void publish_outputs(const BlobStore& store, nlohmann::json& output, const fs::path& work_dir,
                     const std::string& prefix) {
  if (!store.local() && fs::exists(work_dir)) {
    for (const auto& entry : fs::recursive_directory_iterator(work_dir)) {
      if (!entry.is_regular_file()) continue;
      store.put_file(entry.path(), kDefaultBucket,
                     prefix + "/" + entry.path().lexically_relative(work_dir).generic_string());
    }
  }
  // Wherever a file or folder of the run is named (top level, or nested as in subtitle_files), its shared
  // name replaces it.
  const std::string share = std::string(kSharePrefix) + prefix;
  const std::function<void(nlohmann::json&)> rewrite = [&](nlohmann::json& v) {
    if (v.is_structured()) {
      for (auto& child : v) rewrite(child);
      return;
    }
    if (!v.is_string()) return;
    std::string text = v.get<std::string>();
    while (text.size() > 1 && text.ends_with('/')) text.pop_back();
    const fs::path path = text;
    if (!path.is_absolute()) return;
    const fs::path rel = path.lexically_normal().lexically_relative(work_dir.lexically_normal());
    if (rel.empty() || *rel.begin() == ".." || rel == ".") return;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::string name = share + "/" + rel.generic_string();
      if (!name.ends_with('/')) name += '/';
      v = name;
    } else if (fs::is_regular_file(path, ec)) {
      v = share + "/" + rel.generic_string();
    }
  };
  rewrite(output);
}

}  // namespace yv::storage

// Which files an API request may name as input, and where they are.
//
// Inputs such as video_path may be: a key in the default bucket ("videos/demo.mp4"), the same under the
// quick-start's shared folder ("/share/videos/demo.mp4"), "s3://bucket/key" or "minio://bucket/key" (objects
// of the configured store, local or S3), or a local path. A server that is safe to expose must not
// read whatever path a client sends: local paths are accepted only inside the allowed roots: the storage
// root, plus the directories in $YIVIDEO_ALLOWED_ROOTS (':'-separated). http(s) URLs are accepted when their
// host is public (or private ones are allowed: YIVIDEO_URL_ALLOW_PRIVATE) and downloaded by the worker within
// limits (net/download.h). Paths are resolved (symlinks, "..") before the check, so no spelling
// escapes a root. The CLI, run by the machine's own user, is not limited.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "net/download.h"

namespace yv::storage {

// Where stored objects and workflow outputs live: data_dir()/files.
std::filesystem::path storage_root();

std::vector<std::filesystem::path> allowed_roots();

// Whether parameter `name` names a file: by the node registry's convention, a name ending in "_path" or
// "_file" (video_path, audio_path, segments_file, diarization_file), except "output_path", the original's
// name for the file a node writes (indextts.generate_speech: a file name in its stage's folder). Every such
// input a client gives is resolved (and so confined to the roots) by InputResolver::resolve_params; a worker
// fetches every such input that is not on local disk (staging.h).
bool names_file(std::string_view name);

// Calls `visit(name, value)` for every string in `params` (a node's parameters, or a request body) that names
// an input file: the value of a parameter that names_file(); each item of a list named *_files
// (audio_files, all_audio_files); and, inside objects and lists of objects, fields that names_file() or
// are named "path" (tts_segments[].audio_path, audio_tracks[].path). Lists and objects are where the dubbing
// nodes take several files at once, and a file named there is as much an input as a top-level one.
void for_each_input_file(nlohmann::json& params,
                         const std::function<void(const std::string& name, nlohmann::json& value)>& visit);

// Answers and errors name a client's input files as the client gave them ("videos/demo.mp4"), never by the
// server's own paths for them (its storage root, a worker's scratch copy). `names` maps the server's names
// to the names given, as resolve_params returns them.
//
// `text` (an error's detail) with every server name in it replaced by the name given.
std::string as_given(std::string text, const nlohmann::json& names);
// `params` with every string value that is a server name replaced by the name given.
nlohmann::json params_as_given(nlohmann::json params, const nlohmann::json& names);

class BlobStore;

// Resolves input names against one object store and the allowed roots.
class InputResolver {
 public:
  // REQUIRES: store outlives the resolver.
  explicit InputResolver(const BlobStore& store, std::vector<std::filesystem::path> roots = allowed_roots())
      : store_(store), roots_(std::move(roots)), urls_(net::DownloadPolicy::from_environment()) {}

  // What `given` names: the object's file when the store keeps local files, "s3://<bucket>/<key>" when it is
  // remote, an http(s) URL as it is once its host passed the address check (the worker fetches both,
  // staging.h), or the resolved local path inside a root.
  // Throws yv::Error "invalid_path" (400) for an invalid key or bucket, an unsupported scheme or a path
  // outside the roots, and "file_not_found" (404, "文件不存在: <given>") when it does not exist. A path
  // outside the roots is refused before anything about it is looked up, so the answer tells nothing of it;
  // details name the input as given, never the server's own paths.
  std::string resolve(const std::string& given) const;

  // Replaces each string that names an input file (for_each_input_file) by resolve() of it, except the values
  // `keep` says to leave as they are (e.g. references to a stage's output). Returns the names given for the
  // values it changed, by the server's name for them: {"<resolved>": "<as given>"} (see as_given). Throws
  // as resolve().
  nlohmann::json resolve_params(nlohmann::json& params,
                                const std::function<bool(const nlohmann::json&)>& keep = nullptr) const;

 private:
  const BlobStore& store_;
  std::vector<std::filesystem::path> roots_;
  net::DownloadPolicy urls_;
};

}  // namespace yv::storage

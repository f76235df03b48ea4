// Which local files an API request may name as input.
//
// A server that is safe to expose must not read whatever path a client sends: inputs given as local paths are
// accepted only inside the allowed roots: the storage root, plus the directories in $YIVIDEO_ALLOWED_ROOTS
// (':'-separated).
// Paths are resolved (symlinks, "..") before the check, so no spelling escapes a root. The CLI, run by the
// machine's own user, is not limited. Object-store keys and URLs as inputs arrive with the storage backends.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace yv::storage {

// Where stored objects and workflow outputs live: data_dir()/files.
std::filesystem::path storage_root();

std::vector<std::filesystem::path> allowed_roots();

// The resolved path of `given`.
// Throws yv::Error "invalid_path" (400) when it is not an absolute path inside one of `roots`, and
// "file_not_found" (404, "文件不存在: <path>") when it is inside but does not exist.
std::string resolve_input_path(const std::string& given, const std::vector<std::filesystem::path>& roots);

}  // namespace yv::storage

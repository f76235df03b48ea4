// Whole files in and out. A node's output file is written so that readers see all of it or none: the bytes go
// to "<path>.partial", which is renamed over `path` once complete. A worker killed mid-write leaves no half
// file under the real name.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace yv {

// Throws yv::Error "storage_error" (507) when the file cannot be written.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// The whole content of a file. Throws yv::Error "file_not_found" (404) when it cannot be opened.
std::string read_file(const std::filesystem::path& path);

// An empty folder at `path` for a node to fill: whatever an earlier attempt of the stage left there is
// removed first, since the folder's readers take every file in it. Throws yv::Error "storage_error" (507).
void make_empty_directory(const std::filesystem::path& path);

}  // namespace yv

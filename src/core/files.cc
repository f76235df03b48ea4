#include "core/files.h"

#include <fstream>
#include <sstream>

#include "core/error.h"

namespace yv {

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path partial = path.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(content.data(), std::streamsize(content.size()));
    if (!out.flush()) throw Error("storage_error", "cannot write " + partial.string(), 507);
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) throw Error("storage_error", "cannot write " + path.string() + ": " + ec.message(), 507);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("file_not_found", "cannot read " + path.string(), 404);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void make_empty_directory(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (!ec) std::filesystem::create_directories(path, ec);
  if (ec)
    throw Error("storage_error", "cannot make an empty folder " + path.string() + ": " + ec.message(), 507);
}

}  // namespace yv

#include "http/auth_owners.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace yv::http::auth {

Owners::Owners(std::filesystem::path file) : file_(std::move(file)) {
  std::lock_guard lock(mutex_);
  catch_up();
}

void Owners::catch_up() {
  std::ifstream in(file_, std::ios::binary);
  if (!in) return;
  in.seekg(std::streamoff(read_to_));
  for (std::string line; std::getline(in, line);) {
    if (in.eof()) break;  // a line still being written: read it next time
    read_to_ += line.size() + 1;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_array() && j.size() == 3 && j[0].is_string() && j[1].is_string() && j[2].is_string())
      owners_.try_emplace(j[0].get<std::string>() + " " + j[1].get<std::string>(), j[2].get<std::string>());
  }
}

void Owners::record(const std::string& kind, const std::string& id, const std::string& key_id) {
  std::lock_guard lock(mutex_);
  catch_up();
  if (owners_.contains(kind + " " + id)) return;
  const std::string line = nlohmann::json::array({kind, id, key_id}).dump() + "\n";
  std::filesystem::create_directories(file_.parent_path());
  const int fd = ::open(file_.c_str(), O_CREAT | O_APPEND | O_WRONLY | O_CLOEXEC, 0600);
  const bool written = fd >= 0 && ::write(fd, line.data(), line.size()) == ssize_t(line.size());
  if (fd >= 0) ::close(fd);
  if (!written) throw Error("storage_error", "cannot record the owner in " + file_.string(), 507);
  catch_up();
}

std::optional<std::string> Owners::owner(const std::string& kind, const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = owners_.find(kind + " " + id);
  if (it == owners_.end()) {
    catch_up();
    it = owners_.find(kind + " " + id);
  }
  if (it == owners_.end()) return std::nullopt;
  return it->second;
}

}  // namespace yv::http::auth

#include "support/small_disk.h"

#include <sys/mount.h>
#include <sys/statvfs.h>

#include <fstream>
#include <string>

namespace yv::test {
namespace fs = std::filesystem;

SmallDisk::SmallDisk(const fs::path& at, uint64_t bytes) : at_(at) {
  fs::create_directories(at_);
  const std::string options = "size=" + std::to_string(bytes);
  mounted_ = mount("tmpfs", at_.c_str(), "tmpfs", 0, options.c_str()) == 0;
}

SmallDisk::~SmallDisk() {
  if (mounted_) umount2(at_.c_str(), MNT_DETACH);
  std::error_code ec;
  fs::remove_all(at_, ec);
}

uint64_t SmallDisk::free_bytes() const {
  struct statvfs disk {};
  statvfs(at_.c_str(), &disk);
  return uint64_t(disk.f_bavail) * disk.f_frsize;
}

void SmallDisk::fill() {
  std::ofstream filler(at_ / "filler", std::ios::binary);
  const std::string block(65536, 'f');
  while (filler.write(block.data(), std::streamsize(block.size())) && filler.flush()) {
  }
}

void SmallDisk::free() { fs::remove(at_ / "filler"); }

}  // namespace yv::test

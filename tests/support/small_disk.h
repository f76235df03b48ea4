// A small disk of its own for a test: a tmpfs mounted at a scratch folder, to be filled and freed, so that
// "the disk is full" is met for real rather than faked. Mounting needs the privilege to do so (root, or a
// user namespace); mounted() says whether it worked, and tests skip when it did not.
#pragma once

#include <cstdint>
#include <filesystem>

namespace yv::test {

class SmallDisk {
 public:
  // Mounts a tmpfs of `bytes` at `at` (created if absent).
  SmallDisk(const std::filesystem::path& at, uint64_t bytes);
  ~SmallDisk();  // unmounts it and removes the folder
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool mounted() const { return mounted_; }
  const std::filesystem::path& path() const { return at_; }
  // Bytes free on it now.
  uint64_t free_bytes() const;
  // Writes a file until the disk is full.
  void fill();
  // Removes what fill() wrote.
  void free();

 private:
  std::filesystem::path at_;
  bool mounted_ = false;
};

}  // namespace yv::test

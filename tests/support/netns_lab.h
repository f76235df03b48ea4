// Separate "hosts" for the scale-out tests: network namespaces (ip netns) joined by veth pairs to a private
// bridge in the test's own namespace, which has no uplink. Services the hosts share (Redis, the S3 server)
// listen on the bridge's address. Needs root (CAP_NET_ADMIN); everything is removed at destruction.
#pragma once

#include <string>
#include <vector>

namespace yv::test {

class NetnsLab {
 public:
  // Whether namespaces can be made here (root, with iproute2).
  static bool available();

  // Creates the bridge. Throws std::runtime_error when that fails.
  NetnsLab();
  ~NetnsLab();
  NetnsLab(const NetnsLab&) = delete;
  NetnsLab& operator=(const NetnsLab&) = delete;

  // Adds a host named `name` (a new namespace on the bridge); returns its address.
  std::string add_host(const std::string& name);
  // The bridge's address, reachable from every host.
  const std::string& bridge_address() const { return bridge_address_; }
  // The command prefix that runs a program on host `name`.
  std::vector<std::string> on(const std::string& name) const;

 private:
  std::string namespace_of(const std::string& name) const;

  std::string tag_;     // unique per lab: in every name it creates
  std::string subnet_;  // "10.251.<n>."
  std::string bridge_, bridge_address_;
  std::vector<std::string> hosts_;
};

}  // namespace yv::test

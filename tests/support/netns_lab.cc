#include "support/netns_lab.h"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "support/subprocess.h"

namespace yv::test {
namespace {

constexpr const char* kIp = "/usr/sbin/ip";

void ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kIp};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult r = run_process(argv);
  if (r.exit_code != 0) {
    std::string command;
    for (const auto& a : argv) command += a + " ";
    throw std::runtime_error(command + "failed: " + r.err);
  }
}

}  // namespace

bool NetnsLab::available() { return geteuid() == 0 && std::filesystem::exists(kIp); }

NetnsLab::NetnsLab() : tag_(std::to_string(getpid() % 100000)) {
  subnet_ = "10.251." + std::to_string(getpid() % 250) + ".";
  bridge_ = "yvb" + tag_;
  bridge_address_ = subnet_ + "1";
  ip({"link", "add", bridge_, "type", "bridge"});
  ip({"addr", "add", bridge_address_ + "/24", "dev", bridge_});
  ip({"link", "set", bridge_, "up"});
}

NetnsLab::~NetnsLab() {
  for (const auto& name : hosts_) run_process({kIp, "netns", "del", namespace_of(name)});
  run_process({kIp, "link", "del", bridge_});
}

std::string NetnsLab::namespace_of(const std::string& name) const { return "yv" + tag_ + "-" + name; }

std::string NetnsLab::add_host(const std::string& name) {
  const std::string ns = namespace_of(name);
  const std::string outside = "yv" + std::to_string(hosts_.size()) + "h" + tag_;  // at most 15 characters
  const std::string address = subnet_ + std::to_string(hosts_.size() + 2);
  ip({"netns", "add", ns});
  hosts_.push_back(name);
  ip({"link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns});
  ip({"link", "set", outside, "master", bridge_});
  ip({"link", "set", outside, "up"});
  ip({"-n", ns, "addr", "add", address + "/24", "dev", "eth0"});
  ip({"-n", ns, "link", "set", "eth0", "up"});
  ip({"-n", ns, "link", "set", "lo", "up"});
  return address;
}

std::vector<std::string> NetnsLab::on(const std::string& name) const {
  return {kIp, "netns", "exec", namespace_of(name)};
}

}  // namespace yv::test

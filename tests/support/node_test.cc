#include "support/node_test.h"

#include "core/error.h"
#include "nodes/builtin_nodes.h"
#include "support/fixtures.h"

namespace yv::test {

NodeTest::NodeTest(std::string node, std::string prefix)
    : nodes_(builtin_nodes()), node_(std::move(node)), prefix_(std::move(prefix)) {}

void NodeTest::SetUp() {
  dir_ = scratch_path(prefix_);
  std::filesystem::create_directories(dir_);
}

void NodeTest::TearDown() { std::filesystem::remove_all(dir_); }

nlohmann::json NodeTest::run(const nlohmann::json& given) {
  const engine::NodeSpec& node = nodes_.get(node_);
  const nlohmann::json params = nodes_.resolve_params(node, given);
  const std::function<void(double)> progress = [this](double f) { progress_.push_back(f); };
  const std::atomic<bool> cancelled{false};
  return node.run({params, progress, cancelled, dir_});
}

std::string NodeTest::error_code(const nlohmann::json& given) {
  try {
    run(given);
  } catch (const Error& e) {
    return e.code();
  }
  return "no error";
}

}  // namespace yv::test

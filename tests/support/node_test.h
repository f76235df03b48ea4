// A GoogleTest fixture for running one node in-process, as a worker would: parameters resolved by the
// registry, a private scratch directory as the run's directory (removed afterwards), progress recorded.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/node_registry.h"

namespace yv::test {

class NodeTest : public ::testing::Test {
 protected:
  // `node` is the registry name of the node under test; `prefix` names the scratch directory.
  NodeTest(std::string node, std::string prefix);
  void SetUp() override;
  void TearDown() override;

  // Runs the node on `given` (defaults filled by the registry) and returns its outputs.
  nlohmann::json run(const nlohmann::json& given);
  // The yv::Error code that running on `given` throws, or "no error".
  std::string error_code(const nlohmann::json& given);

  engine::NodeRegistry nodes_;
  std::string node_;
  std::string prefix_;
  std::filesystem::path dir_;
  std::vector<double> progress_;  // every fraction reported, in order
};

}  // namespace yv::test

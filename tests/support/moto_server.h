// A real S3-protocol server for the tests: moto in server mode (PyPI moto, installed by scripts/test into a
// cached virtual environment named by $YIVIDEO_MOTO_PYTHON), on a free loopback port, for the life of the
// object.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace yv::test {

class MotoServer {
 public:
  // Starts it on `host` (loopback unless a test network's address is given) and waits until it answers.
  // Throws std::runtime_error when moto is not installed.
  explicit MotoServer(const std::string& host = "127.0.0.1");
  // "http://<host>:<port>"
  const std::string& endpoint() const { return endpoint_; }
  // The environment that makes a server keep its files here: YIVIDEO_STORAGE=s3, the endpoint and moto's
  // test credentials.
  std::vector<std::string> store_env() const;

 private:
  std::string endpoint_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace yv::test

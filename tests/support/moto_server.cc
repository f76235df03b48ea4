#include "support/moto_server.h"

#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace yv::test {

MotoServer::MotoServer(const std::string& host) {
  const char* python = std::getenv("YIVIDEO_MOTO_PYTHON");
  if (!python || !*python) {
    throw std::runtime_error(
        "YIVIDEO_MOTO_PYTHON is not set: run the tests with scripts/test, which installs moto");
  }
  const int port = free_port();
  endpoint_ = "http://" + host + ":" + std::to_string(port);
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{python, "-m", "moto.server", "-H", host, "-p", std::to_string(port)});
  httplib::Client client(host, port);
  for (int i = 0; i < 300; ++i) {  // moto imports for a few seconds before it listens
    if (client.Get("/moto-api/")) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("moto did not start on " + endpoint_);
}

std::vector<std::string> MotoServer::store_env() const {
  return {"YIVIDEO_STORAGE=s3", "YIVIDEO_S3_ENDPOINT=" + endpoint_, "YIVIDEO_S3_ACCESS_KEY=testing",
          "YIVIDEO_S3_SECRET_KEY=testing"};
}

}  // namespace yv::test

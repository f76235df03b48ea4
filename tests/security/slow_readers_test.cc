// Issue 15, finding 5's last door: a client that downloads a large file and reads it slowly (or not at all)
// held a handler thread for as long as it liked, a minute per stalled write; 64 of them, from one address,
// took every thread. Transfers now have threads of their own, a few per client address, and must keep moving
// at a minimum pace or be cut off: slow readers from many addresses leave other clients answered at once.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/live_server.h"
#include "support/raw_http.h"

namespace yv::test {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kTransfersPerClient = 4;  // the server's default

// A file far larger than what the socket buffers between the server and a client hold.
void store_big_file(const LiveServer& server) {
  fs::create_directories(server.bucket_dir());
  std::ofstream out(server.bucket_dir() / "big.bin", std::ios::binary);
  const std::string block(1 << 20, 'b');
  for (int i = 0; i < 32; ++i) out.write(block.data(), std::streamsize(block.size()));
}

// A download of big.bin from `from` by a client that reads nothing.
std::unique_ptr<RawConnection> stalled_reader(const LiveServer& server, const std::string& from) {
  auto c = std::make_unique<RawConnection>(server.port(),
                                           RawConnection::Options{.from = from, .receive_buffer = 4096});
  EXPECT_TRUE(c->connected()) << from;
  c->send(get_request("/v1/files/download/big.bin"));
  return c;
}

TEST(SlowReadersSecurityTest, StalledDownloadsFromManyAddressesDoNotKeepOtherClientsWaiting) {
  const LiveServer server("yivideo-slow-readers", {.workers = 0});
  store_big_file(server);
  // 20 addresses with as many stalled downloads as each may have: 80, more than every thread of the server.
  std::vector<std::unique_ptr<RawConnection>> readers;
  for (int address = 2; address < 22; ++address) {
    for (int i = 0; i < kTransfersPerClient; ++i)
      readers.push_back(stalled_reader(server, "127.0.0." + std::to_string(address)));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the downloads fill the buffers and stall

  for (int i = 0; i < 20; ++i) {
    const auto start = Clock::now();
    RawConnection c(server.port());
    c.send(get_request("/v1/workflows", "Connection: close\r\n"));
    EXPECT_EQ(status_of(c.read_answer(1)), 200) << "client " << i;
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 1.0) << "client " << i;
  }
  // An address holding its downloads still gets its other requests answered, but no more downloads.
  RawConnection same(server.port(), {.from = "127.0.0.2"});
  same.send(get_request("/"));
  EXPECT_EQ(status_of(same.read_answer(1)), 200);
  same.send(get_request("/v1/files/download/big.bin"));
  const std::string refused = same.read_answer(1);
  EXPECT_EQ(status_of(refused), 429) << refused;
  EXPECT_NE(refused.find("too_many_transfers"), std::string::npos) << refused;
  EXPECT_EQ(header_of(refused, "Retry-After"), "5") << refused;
}

TEST(SlowReadersSecurityTest, ADownloadThatStopsMovingIsCutOff) {
  const LiveServer server("yivideo-stalled-download", {.workers = 0});
  store_big_file(server);
  const auto reader = stalled_reader(server, "");
  // It must move 40 KB in every 10 s the server waits on it; past that the connection is closed. Looking
  // earlier would read and so keep it moving.
  std::this_thread::sleep_for(std::chrono::seconds(12));
  EXPECT_TRUE(reader->closed_within(5));
}

}  // namespace
}  // namespace yv::test

// Connections that hold on without finishing a request (slowloris), idle keep-alive pollers, and one client
// opening many connections: none of them keeps other clients waiting, and each ends at its deadline
// (issue 15, finding 5). On the thread-per-connection server, 64 of either took every handler thread.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/live_server.h"
#include "support/raw_http.h"

namespace yv::test {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Twenty ordinary clients, one after another on new connections: each must be answered within a second.
void expect_ordinary_clients_answered(const LiveServer& server) {
  for (int i = 0; i < 20; ++i) {
    const auto start = Clock::now();
    RawConnection c(server.port());
    ASSERT_TRUE(c.connected());
    c.send(get_request("/", "Connection: close\r\n"));
    EXPECT_EQ(status_of(c.read_answer(1)), 200) << "client " << i;
    EXPECT_LT(seconds_since(start), 1.0) << "client " << i;
  }
}

TEST(HttpConnectionsTest, SlowHeadsDoNotKeepOtherClientsWaiting) {
  LiveServer server("yivideo-slowloris", {.workers = 0});
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 200; ++i) {
    slow.push_back(std::make_unique<RawConnection>(server.port()));
    ASSERT_TRUE(slow.back()->connected()) << i;
    slow.back()->send("GET / HTTP/1.1\r\n");  // and then the rest, a byte at a time
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& c : slow) c->send("X");
    expect_ordinary_clients_answered(server);
  }
  int open = 0;
  for (auto& c : slow) open += c->closed_within(0.01) ? 0 : 1;
  EXPECT_EQ(open, 200) << "slow connections are held until their deadline, not refused";
}

TEST(HttpConnectionsTest, IdleKeepAliveConnectionsDoNotKeepOtherClientsWaiting) {
  LiveServer server("yivideo-pollers", {.workers = 0});
  std::vector<std::unique_ptr<RawConnection>> pollers;
  for (int i = 0; i < 100; ++i) {
    pollers.push_back(std::make_unique<RawConnection>(server.port()));
    pollers.back()->send(get_request("/"));
    ASSERT_EQ(status_of(pollers.back()->read_answer(5)), 200) << i;
  }
  expect_ordinary_clients_answered(server);
  for (auto& p : pollers) {  // and every poller is still served on its own connection
    p->send(get_request("/"));
    EXPECT_EQ(status_of(p->read_answer(1)), 200);
  }
}

TEST(HttpConnectionsTest, AHeadNotFinishedInTimeIsAnswered408AndClosed) {
  LiveServer server("yivideo-head-deadline", {.workers = 0});
  RawConnection c(server.port());
  const auto start = Clock::now();
  c.send("GET / HTTP/1.1\r\nHost: localhost\r\n");
  std::string answer;
  for (int i = 0; i < 14 && answer.empty(); ++i) {  // a byte a second keeps a per-read timeout happy
    c.send("X");
    answer = c.read_answer(1);
  }
  EXPECT_EQ(status_of(answer), 408) << answer;
  EXPECT_LT(seconds_since(start), 12.0);
  EXPECT_TRUE(c.closed_within(3));
}

TEST(HttpConnectionsTest, ConnectionsBeyondThePerClientCapAreRefused) {
  LiveServer server("yivideo-per-client", {.workers = 0, .env = {"YIVIDEO_MAX_CONNECTIONS_PER_CLIENT=8"}});
  std::vector<std::unique_ptr<RawConnection>> held;
  // The start-up probe's connection counts until the loop has seen it close: a refused one is tried again.
  for (int i = 0, tries = 0; i < 8 && tries < 50; ++tries) {
    auto c = std::make_unique<RawConnection>(server.port());
    c->send(get_request("/"));
    if (status_of(c->read_answer(5)) == 200) {
      held.push_back(std::move(c));
      ++i;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_EQ(held.size(), 8u);
  RawConnection ninth(server.port());
  const std::string refused = ninth.read_answer(2);
  EXPECT_EQ(status_of(refused), 429) << refused;
  EXPECT_EQ(header_of(refused, "Retry-After"), "5") << refused;
  held.pop_back();  // one closes: the next is let in
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RawConnection next(server.port());
  next.send(get_request("/"));
  EXPECT_EQ(status_of(next.read_answer(2)), 200);
}

}  // namespace
}  // namespace yv::test

// How a live `yivideo serve` takes connections: clients that connect together are queued by the kernel
// while the server is busy, not dropped (a dropped SYN costs a client a one-second retransmission).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/live_server.h"
#include "support/subprocess.h"

namespace yv::test {
namespace {

// Starts a non-blocking connect to 127.0.0.1:port.
int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const sockaddr_in addr = loopback_address(port);
  connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  return fd;
}

// Whether the connection was established within `ms`.
bool connected_within(int fd, int ms) {
  pollfd p{fd, POLLOUT, 0};
  int error = 0;
  socklen_t len = sizeof error;
  return poll(&p, 1, ms) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
}

// Sends `request` on the (connected) socket and reads until the server closes it, for up to 10 s.
std::string exchange(int fd, const std::string& request) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  const timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (write(fd, request.data(), request.size()) != ssize_t(request.size())) return "";
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) answer.append(buffer, size_t(n));
  return answer;
}

TEST(ConnectionsTest, ClientsConnectingTogetherWhileTheServerIsBusyAreQueuedNotDropped) {
  LiveServer server("yivideo-connections");
  constexpr int kClients = 100;
  ASSERT_EQ(kill(server.pid(), SIGSTOP), 0);  // busy: it accepts nothing meanwhile
  std::vector<int> fds;
  for (int i = 0; i < kClients; ++i) fds.push_back(connect_to(server.port()));
  int established = 0;
  for (const int fd : fds) established += connected_within(fd, 200) ? 1 : 0;
  ASSERT_EQ(kill(server.pid(), SIGCONT), 0);
  EXPECT_EQ(established, kClients) << "the kernel dropped the rest for want of a listen backlog";
  int answered = 0;
  for (const int fd : fds) {
    if (connected_within(fd, 5000) &&
        exchange(fd, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .starts_with("HTTP/1.1 200"))
      ++answered;
    close(fd);
  }
  EXPECT_EQ(answered, kClients);
}

}  // namespace
}  // namespace yv::test

#include "support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "support/subprocess.h"

namespace yv::test {
namespace {

constexpr int kPollMs = 50;  // how soon the threads notice that the proxy is going away

}  // namespace

TcpProxy::TcpProxy(int target_port) : target_port_(target_port) {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = loopback_address(0);
  socklen_t len = sizeof addr;
  if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener_, 16) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(listener_);
    throw std::runtime_error("the proxy cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  acceptor_.join();
  for (std::thread& t : pumps_) t.join();
  close(listener_);
}

void TcpProxy::accept_loop() {
  while (!stopping_) {
    pollfd p{listener_, POLLIN, 0};
    if (poll(&p, 1, kPollMs) <= 0) continue;
    const int client = accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    const int server = cut_ ? -1 : socket(AF_INET, SOCK_STREAM, 0);
    const sockaddr_in target = loopback_address(target_port_);
    if (server < 0 || connect(server, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
      if (server >= 0) close(server);
      close(client);
      continue;
    }
    pumps_.emplace_back([this, client, server] { pump(client, server); });
  }
}

bool TcpProxy::take_loss() {
  int n = lose_.load();
  while (n > 0 && !lose_.compare_exchange_weak(n, n - 1)) {
  }
  return n > 0;
}

void TcpProxy::pump(int client, int server) {
  char buffer[16384];
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  while (!stopping_) {
    if (poll(fds, 2, kPollMs) <= 0) continue;
    const bool from_server = fds[1].revents != 0;
    const int from = from_server ? server : client, to = from_server ? client : server;
    const ssize_t n = read(from, buffer, sizeof buffer);
    if (n <= 0) break;
    if (from_server && take_loss()) break;
    ssize_t sent = 0;
    for (ssize_t w = 0; sent < n && (w = write(to, buffer + sent, size_t(n - sent))) > 0;) sent += w;
    if (sent < n) break;
  }
  close(client);
  close(server);
}

}  // namespace yv::test

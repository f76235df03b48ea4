// A TCP proxy on loopback for fault injection: it forwards connections to a target port and, when told,
// loses a reply (the connection is cut after the request reached the target, before its answer came back)
// or cuts every new connection at once (the target looks down). It is how the tests make a Redis client lose
// the answer to a command that Redis did run.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace yv::test {

class TcpProxy {
 public:
  // Listens on a free loopback port and forwards to 127.0.0.1:target_port.
  explicit TcpProxy(int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }
  // The next `n` replies (bytes from the target) are discarded, each closing its connection.
  void lose_replies(int n) { lose_ += n; }
  // While true, new connections are closed as soon as they are accepted.
  void cut_new_connections(bool cut) { cut_ = cut; }

 private:
  void accept_loop();
  void pump(int client, int server);
  bool take_loss();  // whether a reply is to be lost now (counting it)

  int target_port_;
  int port_ = 0;
  int listener_ = -1;
  std::atomic<int> lose_{0};
  std::atomic<bool> cut_{false};
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> pumps_;  // touched by the acceptor thread only, joined after it
};

}  // namespace yv::test

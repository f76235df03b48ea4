#include "support/raw_http.h"

#include <arpa/inet.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <utility>

#include "support/subprocess.h"

namespace yv::test {

RawConnection::RawConnection(int port, const Options& options) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  if (options.receive_buffer > 0)
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer, sizeof options.receive_buffer);
  bool ready = true;
  if (!options.from.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ready = inet_pton(AF_INET, options.from.c_str(), &local.sin_addr) == 1 &&
            bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) == 0;
  }
  const sockaddr_in addr = loopback_address(port);
  if (!ready || connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::send(std::string_view bytes) const {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(size_t(n));
  }
  return true;
}

void RawConnection::finish_sending() const { shutdown(fd_, SHUT_WR); }

bool RawConnection::receive(double seconds) {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, int(seconds * 1000)) != 1) return true;  // nothing yet, still open
  char chunk[65536];
  const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer_.append(chunk, size_t(n));
  return true;
}

std::string RawConnection::read_answer(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    const size_t end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      const std::string length = header_of(std::string_view(buffer_).substr(0, end + 2), "Content-Length");
      const size_t total = end + 4 + (length.empty() ? 0 : std::stoul(length));
      if (buffer_.size() >= total) {
        std::string answer = buffer_.substr(0, total);
        buffer_.erase(0, total);
        return answer;
      }
    }
    const double left = std::chrono::duration<double>(until - std::chrono::steady_clock::now()).count();
    if (left <= 0 || !receive(left)) return std::exchange(buffer_, {});
  }
}

bool RawConnection::received_within(double seconds) {
  if (buffer_.empty()) receive(seconds);
  return !buffer_.empty();
}

std::string RawConnection::read_to_close(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (double left = seconds; left > 0 && receive(left);)
    left = std::chrono::duration<double>(until - std::chrono::steady_clock::now()).count();
  return std::exchange(buffer_, {});
}

bool RawConnection::closed_within(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (double left = seconds; left > 0;) {
    if (!receive(left)) return true;
    left = std::chrono::duration<double>(until - std::chrono::steady_clock::now()).count();
  }
  return false;
}

int status_of(std::string_view answer) {
  if (!answer.starts_with("HTTP/1.") || answer.size() < 12) return 0;
  return std::atoi(std::string(answer.substr(9, 3)).c_str());
}

std::string header_of(std::string_view answer, std::string_view name) {
  const std::string_view head = answer.substr(0, answer.find("\r\n\r\n"));
  for (size_t at = head.find("\r\n"); at != std::string_view::npos;) {
    const size_t next = head.find("\r\n", at + 2);
    const std::string_view line = head.substr(at + 2, next == std::string_view::npos ? next : next - at - 2);
    if (line.size() > name.size() && line[name.size()] == ':' &&
        strncasecmp(line.data(), name.data(), name.size()) == 0) {
      std::string_view value = line.substr(name.size() + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    at = next;
  }
  return "";
}

std::string get_request(const std::string& path, const std::string& extra) {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
}

std::string post_request(const std::string& path, const std::string& json_body, const std::string& extra) {
  return "POST " + path +
         " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(json_body.size()) + "\r\n" + extra + "\r\n" + json_body;
}

}  // namespace yv::test

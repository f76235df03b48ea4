#include "http/connection.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace yv::http {

void RequestStream::moved(size_t n) const {
  window_bytes_ += n;
  if (double(window_bytes_) >= double(pace_.min_bytes_per_second) * pace_.window_seconds) {
    waited_ = {};  // this window's due has moved: the next one begins
    window_bytes_ = 0;
  }
}

bool RequestStream::wait(short events) const {
  const auto window =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(pace_.window_seconds));
  pollfd p{c_.fd, events, 0};
  for (;;) {
    const auto left = window - waited_;
    if (left <= Clock::duration::zero()) return false;  // the client fell behind the pace
    const auto start = Clock::now();
    const int n = poll(&p, 1, int(std::chrono::ceil<std::chrono::milliseconds>(left).count()));
    waited_ += Clock::now() - start;
    if (n == 1) return (p.revents & (events | POLLHUP | POLLERR)) != 0;
    if (n < 0 && errno != EINTR) return false;
  }
}

bool RequestStream::is_readable() const {
  return (consumed_ < length_ && from_buffer_ < c_.in.size()) || wait(POLLIN);
}

bool RequestStream::is_writable() const { return !failed_ && wait(POLLOUT); }

ssize_t RequestStream::read(char* ptr, size_t size) {
  const uint64_t left = length_ - consumed_;
  if (left == 0 || failed_) return 0;
  size = size_t(std::min<uint64_t>(size, left));
  if (from_buffer_ < c_.in.size()) {
    const size_t n = std::min(size, c_.in.size() - from_buffer_);
    std::memcpy(ptr, c_.in.data() + from_buffer_, n);
    from_buffer_ += n;
    consumed_ += n;
    return ssize_t(n);
  }
  for (;;) {
    const ssize_t n = recv(c_.fd, ptr, size, 0);
    if (n > 0) {
      consumed_ += uint64_t(n);
      moved(size_t(n));
      return n;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait(POLLIN)) continue;
    failed_ = true;  // the client went away, or fell behind the pace
    return -1;
  }
}

ssize_t RequestStream::write(const char* ptr, size_t size) {
  size_t sent = 0;
  while (sent < size && !failed_) {
    const ssize_t n = send(c_.fd, ptr + sent, size - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += size_t(n);
      moved(size_t(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (!(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait(POLLOUT))) {
      failed_ = true;
    }
  }
  return failed_ ? -1 : ssize_t(size);
}

void RequestStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = c_.peer_ip;
  port = c_.peer_port;
}

void RequestStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = c_.local_ip;
  port = c_.local_port;
}

}  // namespace yv::http

#include "http/connection_loop.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "http/json_io.h"
#include "http/localize.h"

namespace yv::http {
namespace {

constexpr auto kDrainTime = std::chrono::seconds(2);
constexpr auto kSweepEvery = std::chrono::milliseconds(100);
// Read at most this far past what the current state needs, so one client cannot make us buffer without bound.
constexpr size_t kReadSlack = 64 * 1024;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

void address_of(const sockaddr_storage& a, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (a.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(a);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (a.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(a);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 421:
      return "Misdirected Request";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

// The whole answer to a refused request, in the API's {"detail","code"} shape; it always closes.
std::string refusal_answer(const Refusal& r, const RequestHead* head) {
  std::string detail = r.detail;
  if (head) {
    const auto language = head->header("Accept-Language");
    if (language && prefers_chinese(std::string(*language))) detail = chinese_detail(r.code, detail);
  }
  const std::string body = nlohmann::json{{"detail", detail}, {"code", r.code}}.dump();
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_phrase(r.status) +
                    "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n";
  for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
  return out + "\r\n" + body;
}

// Lets the server hold as many connections as the limits allow: the soft descriptor limit is often 1024.
size_t raise_descriptor_limit(size_t wanted) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return wanted;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  constexpr rlim_t kReserve = 256;  // files, databases and sockets of the rest of the server
  return lim.rlim_cur > kReserve ? std::min<size_t>(wanted, size_t(lim.rlim_cur - kReserve)) : wanted;
}

}  // namespace

ConnectionLoop::ConnectionLoop(int listener, RequestHandler& handler, ConnectionLimits limits,
                               size_t worker_threads)
    : listener_(listener),
      handler_(handler),
      limits_(limits),
      workers_(std::make_unique<httplib::ThreadPool>(worker_threads)),
      transfers_(std::make_unique<httplib::ThreadPool>(limits.transfer_threads)),
      streams_(std::make_unique<httplib::ThreadPool>(limits.max_streams)) {
  limits_.max_connections = raise_descriptor_limit(limits_.max_connections);
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event listen_event{EPOLLIN, {.fd = listener_}};
  epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &listen_event);
  epoll_event wake_event{EPOLLIN, {.fd = wake_}};
  epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &wake_event);
}

ConnectionLoop::~ConnectionLoop() {
  if (workers_) workers_->shutdown();  // run() never ran
  if (transfers_) transfers_->shutdown();
  if (streams_) streams_->shutdown();
  for (const auto& [fd, c] : connections_) ::close(fd);
  ::close(epoll_);
  ::close(wake_);
  ::close(listener_);
}

void ConnectionLoop::stop() {
  stopping_ = true;
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = write(wake_, &one, sizeof one);
}

void ConnectionLoop::run() {
  std::vector<epoll_event> events(256);
  auto last_sweep = Clock::now();
  while (!stopping_) {
    const int n = epoll_wait(epoll_, events.data(), int(events.size()), 100);
    for (int i = 0; i < n; ++i) {
      const int fd = events[size_t(i)].data.fd;
      if (fd == listener_) {
        accept_all();
      } else if (fd == wake_) {
        take_returned();
      } else if (const auto it = connections_.find(fd); it != connections_.end()) {
        on_readable(*it->second);
      }
    }
    if (Clock::now() - last_sweep >= kSweepEvery) {
      sweep();
      last_sweep = Clock::now();
    }
  }
  ::close(listener_);
  listener_ = -1;
  workers_->shutdown();  // answers the requests being served
  transfers_->shutdown();
  streams_->shutdown();
  workers_.reset();
  transfers_.reset();
  streams_.reset();
  take_returned();
  for (const auto& [fd, c] : connections_) ::close(fd);
  connections_.clear();
}

void ConnectionLoop::arm(const Connection& c) const {
  epoll_event e{EPOLLIN | EPOLLONESHOT | EPOLLRDHUP, {.fd = c.fd}};
  epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &e);
}

void ConnectionLoop::accept_all() {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    const int fd = accept4(listener_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) {
        // Out of descriptors: stop listening until a sweep, rather than spinning on a ready listener.
        spdlog::warn("out of file descriptors with {} connections open", connections_.size());
        epoll_ctl(epoll_, EPOLL_CTL_DEL, listener_, nullptr);
        accepting_ = false;
      }
      return;
    }
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    address_of(peer, c->peer_ip, c->peer_port);
    sockaddr_storage local{};
    len = sizeof local;
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
    address_of(local, c->local_ip, c->local_port);
    // Without TCP_NODELAY, httplib's separate writes of headers and body meet the client's delayed ACK.
    const int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    size_t& from_client = per_client_[c->peer_ip];
    std::optional<Refusal> refused;
    if (connections_.size() >= limits_.max_connections) {
      refused = Refusal{503,
                        "too_many_connections",
                        "the server holds as many connections as it can",
                        {{"Retry-After", kRetryAfterSeconds}}};
    } else if (from_client >= limits_.max_per_client) {
      refused =
          Refusal{429,
                  "too_many_connections",
                  "more than " + std::to_string(limits_.max_per_client) + " connections from one address",
                  {{"Retry-After", kRetryAfterSeconds}}};
    }
    if (refused) {
      const std::string answer = refusal_answer(*refused, nullptr);
      [[maybe_unused]] const ssize_t n = send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(fd);
      if (from_client == 0) per_client_.erase(c->peer_ip);
      continue;
    }
    ++from_client;
    c->deadline = Clock::now() + seconds(limits_.head_seconds);
    c->state = Connection::State::kIdle;
    epoll_event e{EPOLLIN | EPOLLONESHOT | EPOLLRDHUP, {.fd = fd}};
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &e);
    connections_.emplace(fd, std::move(c));
  }
}

void ConnectionLoop::on_readable(Connection& c) {
  const bool draining = c.state == Connection::State::kDraining;
  const size_t want = c.state == Connection::State::kBody
                          ? c.head.head_bytes + size_t(c.head.content_length.value_or(0)) + kReadSlack
                          : limits_.head.max_head_bytes + kReadSlack;
  char buffer[16384];
  bool eof = false;
  while (!eof) {
    const size_t room =
        draining ? sizeof buffer : std::min(sizeof buffer, want - std::min(want, c.in.size()));
    if (room == 0) break;
    const ssize_t n = recv(c.fd, buffer, room, 0);
    if (n > 0) {
      if (!draining) c.in.append(buffer, size_t(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    eof = true;  // the client closed (or reset) its side: nothing more will arrive
  }
  if (eof && (draining || c.in.empty())) return close_connection(c.fd);
  if (draining) return arm(c);
  c.peer_closed = c.peer_closed || eof;
  advance(c);
}

void ConnectionLoop::wait_for_more(Connection& c) {
  if (c.peer_closed) return close_connection(c.fd);  // a request cut short: no answer is owed
  arm(c);
}

void ConnectionLoop::advance(Connection& c) {
  using State = Connection::State;
  if (c.state == State::kIdle) {
    if (c.in.empty()) return wait_for_more(c);
    c.state = State::kHead;
    c.deadline = Clock::now() + seconds(limits_.head_seconds);
  }
  if (c.state == State::kHead) {
    const auto end = head_end(c.in);
    if ((end && *end > limits_.head.max_head_bytes) || (!end && c.in.size() >= limits_.head.max_head_bytes)) {
      return refuse(
          c,
          {431, "headers_too_large",
           "the request head is larger than " + std::to_string(limits_.head.max_head_bytes) + " bytes"},
          nullptr);
    }
    if (!end) return wait_for_more(c);
    auto parsed = parse_request_head(c.in, limits_.head);
    if (const auto* r = std::get_if<Refusal>(&parsed)) return refuse(c, *r, nullptr);
    c.head = std::move(std::get<RequestHead>(parsed));
    if (c.head.method == "POST" && !c.head.content_length && !c.head.chunked) {
      std::string head = head_with_empty_body(c.head, c.in);
      c.in.replace(0, c.head.head_bytes, head);
      c.head.head_bytes = head.size();
      c.head.content_length = 0;
    }
    const auto admitted = handler_.admit(c.head);
    if (const auto* r = std::get_if<Refusal>(&admitted)) return refuse(c, *r, &c.head);
    const Admission& how = std::get<Admission>(admitted);
    const auto serving = transfers_per_client_.find(c.peer_ip);
    if (how.transfer && serving != transfers_per_client_.end() &&
        serving->second >= limits_.max_transfers_per_client) {
      return refuse(c,
                    {429,
                     "too_many_transfers",
                     "more than " + std::to_string(limits_.max_transfers_per_client) +
                         " uploads and downloads at once from one address",
                     {{"Retry-After", kRetryAfterSeconds}}},
                    &c.head);
    }
    if (how.stream && streams_open_ >= limits_.max_streams) {
      return refuse(c,
                    {503,
                     "too_many_streams",
                     "the server follows as many event streams as it may (" +
                         std::to_string(limits_.max_streams) + "); poll the status route or retry later",
                     {{"Retry-After", kRetryAfterSeconds}}},
                    &c.head);
    }
    c.transfer = how.transfer;
    c.stream = how.stream;
    c.streamed = how.body == Admission::Body::kStreamed;
    if (c.streamed) {
      return dispatch(c, c.head.chunked ? UINT64_MAX : c.head.head_bytes + *c.head.content_length);
    }
    const size_t body = size_t(c.head.content_length.value_or(0));
    if (c.head.expects_continue && c.in.size() < c.head.head_bytes + body) {
      // The client waits for this before it sends the body; the handler must not send a second one.
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      [[maybe_unused]] const ssize_t n = send(c.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL);
      std::string head = head_without_expect(c.head, c.in);
      c.in.replace(0, c.head.head_bytes, head);
      c.head.head_bytes = head.size();
    }
    c.state = State::kBody;
    c.deadline = Clock::now() + seconds(limits_.body_seconds);
  }
  if (c.state == State::kBody) {
    const size_t length = c.head.head_bytes + size_t(c.head.content_length.value_or(0));
    if (c.in.size() < length) return wait_for_more(c);
    dispatch(c, length);
  }
}

void ConnectionLoop::dispatch(Connection& c, uint64_t length) {
  c.state = Connection::State::kBusy;
  ++c.requests;
  const bool close = c.head.wants_close || c.peer_closed ||
                     c.requests >= limits_.max_requests_per_connection || (c.streamed && c.head.chunked);
  Connection* conn = &c;
  if (c.transfer) ++transfers_per_client_[c.peer_ip];
  if (c.stream) ++streams_open_;
  (c.stream     ? streams_
   : c.transfer ? transfers_
                : workers_)
      ->enqueue([this, conn, length, close] {
        RequestStream stream(*conn, length, limits_.pace);
        bool keep = false;
        try {
          keep = handler_.serve(stream, close) && !close && !stream.failed() &&
                 (!conn->streamed || stream.complete());
        } catch (const std::exception& e) {
          spdlog::error("serving {} {}: {}", conn->head.method, conn->head.path, e.what());
        }
        conn->in.erase(0, conn->streamed ? stream.buffered_used() : size_t(length));
        {
          const std::lock_guard lock(returned_mutex_);
          returned_.emplace_back(conn, keep);
        }
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = write(wake_, &one, sizeof one);
      });
}

void ConnectionLoop::take_returned() {
  uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = read(wake_, &count, sizeof count);
  std::vector<std::pair<Connection*, bool>> returned;
  {
    const std::lock_guard lock(returned_mutex_);
    returned.swap(returned_);
  }
  for (const auto& [c, keep] : returned) {
    if (c->transfer) {
      if (const auto client = transfers_per_client_.find(c->peer_ip); --client->second == 0)
        transfers_per_client_.erase(client);
      c->transfer = false;
    }
    if (c->stream) {
      --streams_open_;
      c->stream = false;
    }
    finish_request(*c, keep && !stopping_);
  }
}

void ConnectionLoop::finish_request(Connection& c, bool keep) {
  if (!keep) return drain(c);
  // A megabyte body's buffer would otherwise stay with an idle connection, times every connection.
  if (c.in.empty() && c.in.capacity() > kReadSlack) std::string().swap(c.in);
  c.state = Connection::State::kIdle;
  c.deadline = Clock::now() + seconds(limits_.idle_seconds);
  advance(c);  // a pipelined request may be waiting already
}

void ConnectionLoop::refuse(Connection& c, const Refusal& r, const RequestHead* head) {
  const std::string answer = refusal_answer(r, head);
  // A refusal is small: it fits the empty send buffer of a connection that has sent its head.
  [[maybe_unused]] const ssize_t n = send(c.fd, answer.data(), answer.size(), MSG_NOSIGNAL);
  drain(c);
}

void ConnectionLoop::drain(Connection& c) {
  // Closing with unread input would reset the connection and could destroy the answer before the client
  // reads it; so shut our side and discard what still arrives, briefly.
  shutdown(c.fd, SHUT_WR);
  c.state = Connection::State::kDraining;
  c.in.clear();
  c.deadline = Clock::now() + kDrainTime;
  arm(c);
}

void ConnectionLoop::close_connection(int fd) {
  const auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  if (const auto client = per_client_.find(it->second->peer_ip);
      client != per_client_.end() && --client->second == 0)
    per_client_.erase(client);
  ::close(fd);
  connections_.erase(it);
}

void ConnectionLoop::sweep() {
  if (!accepting_ && connections_.size() < limits_.max_connections) {
    epoll_event e{EPOLLIN, {.fd = listener_}};
    accepting_ = epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &e) == 0;
  }
  const auto now = Clock::now();
  std::vector<int> expired;
  for (const auto& [fd, c] : connections_) {
    if (c->state != Connection::State::kBusy && now >= c->deadline) expired.push_back(fd);
  }
  for (const int fd : expired) {
    Connection& c = *connections_.at(fd);
    if (c.state == Connection::State::kHead || c.state == Connection::State::kBody) {
      refuse(c, {408, "request_timeout", "the request did not arrive in time"}, nullptr);
    } else {
      close_connection(fd);
    }
  }
}

}  // namespace yv::http

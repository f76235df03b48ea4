// One client connection of the API, and the stream one request is read from and answered on.
//
// A Connection belongs to the connection loop (connection_loop.h) while it is idle or sending a request, and
// to one worker thread while that request is served; never to both. The bytes the loop has received but not
// yet handed over stay in `in`, so pipelined requests are neither lost nor read twice.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "http/request_head.h"

namespace yv::http {

using Clock = std::chrono::steady_clock;

// How slowly a request's streamed body and its answer may move: at least min_bytes_per_second, judged over
// every window_seconds that the worker spends waiting on the client (time spent producing the answer does not
// count). A client slower than that is cut off; one that keeps up is never hurried.
struct Pace {
  double window_seconds = 10;
  size_t min_bytes_per_second = 4096;
};

struct Connection {
  enum class State {
    kIdle,      // between requests (keep-alive); closed after ConnectionLimits::idle_seconds
    kHead,      // receiving a request head
    kBody,      // receiving a body that is buffered before the request is served
    kBusy,      // a worker serves it: the loop does not touch it
    kDraining,  // answered and shut for writing; what the client still sends is read and dropped
  };

  int fd = -1;
  std::string peer_ip, local_ip;
  int peer_port = 0, local_port = 0;
  std::string in;  // received, not yet consumed
  State state = State::kIdle;
  Clock::time_point deadline;  // when the current state times out
  RequestHead head;            // of the request being received or served
  bool streamed = false;       // the body is read by the handler as it arrives, not buffered
  bool transfer = false;       // a file transfer (connection_loop.h): served by the transfer pool
  bool stream = false;         // an event stream (connection_loop.h): served by the stream pool
  bool peer_closed = false;    // the client shut its side: requests already received are still answered
  unsigned requests = 0;       // served on this connection
};

// The httplib::Stream of one request: reads the bytes the loop buffered, then (for a streamed body) the
// socket, never past the request's own end when its length is known; writes the answer to the socket. Waits
// on the client are held to `pace`; a client that falls behind it, or a read or write that fails, makes the
// stream failed().
class RequestStream : public httplib::Stream {
 public:
  // `length`: the request's bytes, head included; UINT64_MAX when a chunked body leaves it unknown.
  RequestStream(Connection& c, uint64_t length, Pace pace) : c_(c), length_(length), pace_(pace) {}

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return c_.fd; }

  bool failed() const { return failed_; }
  // Whether every byte of the request was read (always false for an unknown length).
  bool complete() const { return consumed_ == length_; }
  // How many bytes of Connection::in the request used.
  size_t buffered_used() const { return from_buffer_; }

 private:
  // Waits until the socket is ready for `events`; false when it failed or the client fell behind the pace.
  bool wait(short events) const;
  // Counts bytes moved to or from the client towards the current window's due.
  void moved(size_t n) const;

  Connection& c_;
  uint64_t length_;
  Pace pace_;
  // The current window: how long the worker has waited in it, and the bytes moved in it.
  mutable Clock::duration waited_{};
  mutable uint64_t window_bytes_ = 0;
  uint64_t consumed_ = 0;
  size_t from_buffer_ = 0;
  bool failed_ = false;
};

}  // namespace yv::http

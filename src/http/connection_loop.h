// The event loop that owns the API's connections while they wait: accepting, idle keep-alive, and receiving
// request heads and JSON bodies.
//
// Why not httplib's own loop: it gives each connection a thread from accept to close, so 64 connections that
// send their headers a byte at a time (slowloris), or 64 idle keep-alive pollers, took every handler thread
// and nobody else got an answer. Here one thread multiplexes every waiting connection with epoll and enforces
// deadlines (a whole head within head_seconds, a JSON body within body_seconds, idle keep-alive closed after
// idle_seconds) and caps (connections in all and per client address). A worker thread is spent on a request
// only once it can be served at once: its head checked (request_head.h) and, unless the handler streams the
// body (uploads), its body received. Workers write the answer themselves and give the connection back.
// Measured against the thread-per-connection server in bench/RESULTS.md.
//
// A worker still waits on its client while it streams a body in (uploads) or a file out (downloads), so a
// client that reads a large download slowly would hold a thread for as long as it liked. Such transfers are
// served by a pool of their own (transfer_threads), so that they never take the threads that answer JSON
// requests; one client address has at most max_transfers_per_client of them at once (more: 429); and each
// must keep moving at min_bytes_per_second, judged over every io_window_seconds that its worker spends
// waiting on the client, or its connection is closed. A transfer may therefore take long only while its
// client keeps up, and only a few per client.
//
// Event streams (GET /v1/workflows/{id}/events) stay open for as long as the workflow runs, minutes to hours,
// mostly waiting. Each has a thread of a pool of its own (max_streams threads), so that followers never take
// the threads that answer status polls; more streams than that at once are answered 503 with Retry-After. A
// waiting stream costs its thread's stack (mostly untouched virtual memory) and one read of the state per
// poll (http/event_routes.h).
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "http/connection.h"
#include "http/request_head.h"

namespace yv::http {

struct ConnectionLimits {
  double head_seconds = 10;       // a request head must arrive whole within this, else 408
  double body_seconds = 30;       // a buffered (JSON) body within this after its head, else 408
  double idle_seconds = 30;       // keep-alive connections idle longer are closed
  Pace pace;                      // how slowly a worker's reads and writes may go (streamed bodies, answers)
  size_t max_connections = 4096;  // in all; more are answered 503 (also bounded by RLIMIT_NOFILE)
  size_t max_per_client = 256;    // from one address; more are answered 429
  size_t transfer_threads = 16;   // workers for file transfers (uploads, downloads), apart from the others
  size_t max_transfers_per_client = 4;  // being served for one address at once; more are answered 429
  size_t max_streams = 64;              // event streams open at once, a thread each; more are answered 503
  unsigned max_requests_per_connection = 1000;
  HeadLimits head;
};

// How a request the loop has admitted is served.
struct Admission {
  enum class Body { kBuffered, kStreamed } body = Body::kBuffered;  // kStreamed: the handler reads it
  bool transfer = false;  // a file transfer: served by the transfer pool, counted per client
  bool stream = false;    // an event stream: served by the stream pool, counted in all
};

// What the loop serves requests with.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // On the loop thread, for a head that passed parse_request_head: a refusal, or how to serve it.
  virtual std::variant<Refusal, Admission> admit(const RequestHead& head) = 0;
  // On a worker thread: serves one request read from `stream` (close: the answer must say Connection:
  // close). Returns whether the connection may carry another request.
  virtual bool serve(RequestStream& stream, bool close) = 0;
};

class ConnectionLoop {
 public:
  // REQUIRES: listener is a bound, listening socket; handler outlives the loop. Takes the listener.
  // `worker_threads` serve the requests other than transfers (limits.transfer_threads serve those).
  ConnectionLoop(int listener, RequestHandler& handler, ConnectionLimits limits, size_t worker_threads);
  ~ConnectionLoop();

  // Serves until stop(); then closes every connection once the requests being served have been answered.
  void run();
  // Thread-safe.
  void stop();

 private:
  void accept_all();
  void on_readable(Connection& c);
  void advance(Connection& c);
  // Arms the connection for more of its request, or closes it when the client can send no more.
  void wait_for_more(Connection& c);
  void dispatch(Connection& c, uint64_t length);
  void finish_request(Connection& c, bool keep);
  void refuse(Connection& c, const Refusal& r, const RequestHead* head);
  void drain(Connection& c);
  void close_connection(int fd);
  void arm(const Connection& c) const;
  void take_returned();
  void sweep();

  int listener_, epoll_ = -1, wake_ = -1;
  RequestHandler& handler_;
  ConnectionLimits limits_;
  std::unique_ptr<httplib::ThreadPool> workers_, transfers_, streams_;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  std::unordered_map<std::string, size_t> per_client_;            // connections by address
  std::unordered_map<std::string, size_t> transfers_per_client_;  // transfers being served by address
  size_t streams_open_ = 0;                                       // event streams being served
  std::atomic<bool> stopping_{false};
  bool accepting_ = true;
  std::mutex returned_mutex_;
  std::vector<std::pair<Connection*, bool>> returned_;  // (connection, keep it open) from the workers
};

}  // namespace yv::http

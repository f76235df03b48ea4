// HTTP over a bare TCP connection to 127.0.0.1, for requests and behaviours no well-behaved client library
// produces: malformed framing, heads sent a byte at a time, connections held open and idle.
#pragma once

#include <string>
#include <string_view>

namespace yv::test {

class RawConnection {
 public:
  struct Options {
    // The local address to connect from, e.g. "127.0.0.2" (all of 127/8 is this machine's): a client the
    // server counts apart from others. Empty: the system's choice.
    std::string from;
    // SO_RCVBUF in bytes, set before connecting: a small one makes a client that reads nothing hold up the
    // server's writes sooner. 0: the system's default.
    int receive_buffer = 0;
  };
  // Connects at once (blocking); connected() says whether it worked.
  RawConnection(int port, const Options& options);
  explicit RawConnection(int port) : RawConnection(port, Options{}) {}
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends every byte; false if the connection broke.
  bool send(std::string_view bytes) const;
  // Shuts the sending side, as `printf ... | nc` does once its input ends.
  void finish_sending() const;
  // One answer (status line, headers and a Content-Length body) received within `seconds`, keeping the
  // connection open; what arrived so far (possibly nothing) when the time runs out or the server closes.
  std::string read_answer(double seconds);
  // Whether any of an answer has arrived (kept for read_answer), waiting at most `seconds`.
  bool received_within(double seconds);
  // Everything received until the server closes the connection or `seconds` pass.
  std::string read_to_close(double seconds);
  // Whether the server closed the connection within `seconds` (data it sends meanwhile is dropped).
  bool closed_within(double seconds);

 private:
  // Appends what arrives within `seconds` to buffer_; false once the connection is closed or broken.
  bool receive(double seconds);

  int fd_ = -1;
  std::string buffer_;  // received, not yet returned
};

// The status code of an answer ("HTTP/1.1 421 ..." -> 421), or 0 when it is not one.
int status_of(std::string_view answer);
// The value of header `name` in an answer's head (case-insensitive name), or "".
std::string header_of(std::string_view answer, std::string_view name);
// A request for `path` with the headers a client on loopback sends, plus `extra` header lines ("A: b\r\n").
std::string get_request(const std::string& path, const std::string& extra = "");
// The same for a POST of a JSON body.
std::string post_request(const std::string& path, const std::string& json_body,
                         const std::string& extra = "");

}  // namespace yv::test

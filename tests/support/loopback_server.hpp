// A real HTTP(S) server on 127.0.0.1 for tests, on a thread of its own: it answers each request
// with the reply a handler gives, and misbehaves on demand (waits, stops mid-body, never ends
// its body, closes a kept-alive connection without saying), so clients can be tested against
// the faults of real networks. It counts requests, connections and requests in progress.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pipectl::test {

struct LoopbackRequest {
  std::string method;
  std::string target;                          // path and query, as sent
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;                            // as received (Content-Length or chunked)
};

struct LoopbackReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is added
  std::string body;

  // Misbehaviour, all off by default.
  std::chrono::milliseconds delay{0};                // before anything is sent
  std::chrono::milliseconds pause_after_headers{0};  // between the headers and the body
  std::optional<std::size_t> cut_after;              // send this much of the body, then close (the length said more)
  // Send a body without end (filler) until the client goes away: with a Content-Length of 1 TiB,
  // or chunked (no length, so only counting can stop the client).
  enum class Flood { none, with_length, chunked } flood = Flood::none;
  bool close_silently = false;  // close after this reply, though it promised keep-alive
};

// A plain reply; a redirect to `location`.
LoopbackReply reply_with(int status, std::string body = {});
LoopbackReply redirect_to(int status, std::string location);

class LoopbackServer {
 public:
  using Handler = std::function<LoopbackReply(const LoopbackRequest&)>;
  struct TlsFiles {
    std::string certificate_chain;  // PEM: the server's certificate, then any intermediates
    std::string private_key;        // PEM
  };

  // Listens on 127.0.0.1 on a free port. The handler runs on the server's thread, one request
  // at a time (delays do not block other connections).
  explicit LoopbackServer(Handler handler, std::optional<TlsFiles> tls = std::nullopt);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::uint16_t port() const;
  // "http://127.0.0.1:<port><path>" (https with TLS); `host` may name it otherwise ("localhost").
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const;

  int requests() const;               // requests read so far
  int connections() const;            // connections accepted (TLS: handshakes begun)
  int most_at_once() const;           // the most requests in progress (read, reply not yet sent) at one time
  std::uint64_t flood_bytes() const;  // body bytes sent by flood replies

  struct State;  // defined in the .cpp only

 private:
  std::shared_ptr<State> state_;
};

// A TCP port on 127.0.0.1 that nothing listens on (bound and released at once): connecting to it
// is refused.
std::uint16_t unused_loopback_port();

}  // namespace pipectl::test

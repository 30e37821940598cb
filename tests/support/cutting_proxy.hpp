// A TCP proxy on 127.0.0.1 that drops uploads half-way, as a flaky network or a load balancer
// does: it forwards every connection to a server on loopback, except the first few requests
// whose body is longer than a limit: those it takes in up to that many bytes of the body (saying
// "100 Continue" itself when asked), then closes the connection. The server never sees a cut
// request: s3rver, unlike S3, writes a PUT's bytes to the object as they come and finishes with a
// dropped one whenever it gets to it, so a cut request it saw could overwrite the retry that
// followed, or an abort's clean-up. The proxy reads the HTTP/1.1 request heads (for
// Content-Length) and keeps them, so that a test can see every attempt and what it carried.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pipectl::test {

class CuttingProxy {
 public:
  static constexpr int always = -1;

  // Forwards 127.0.0.1:port() to 127.0.0.1:upstream_port. The first `cuts` requests (`always`:
  // every one) with a body longer than `cut_after` bytes are dropped after `cut_after` bytes of it.
  CuttingProxy(int upstream_port, int cuts, std::size_t cut_after);
  // Stops listening, closes every connection and joins its threads.
  ~CuttingProxy();
  CuttingProxy(const CuttingProxy&) = delete;
  CuttingProxy& operator=(const CuttingProxy&) = delete;

  int port() const { return port_; }
  std::string endpoint() const;  // http://127.0.0.1:PORT
  int cuts_made() const;
  // The request lines that came through, in order: "PUT /bucket/key?partNumber=1&uploadId=... HTTP/1.1".
  std::vector<std::string> request_lines() const;
  // The whole heads of those requests (request line and headers, CRLF-separated, without the
  // empty line that ends them), to check what the client sent and signed.
  std::vector<std::string> request_heads() const;

 private:
  void accept_connections();
  void relay(int client);
  // Whether the request that just started (with a body longer than cut_after_) is to be cut.
  bool take_cut();
  void record(const std::string& head);

  int listener_ = -1;
  int port_ = 0;
  int upstream_port_;
  std::size_t cut_after_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  int cuts_left_;
  int cuts_made_ = 0;
  std::vector<std::string> request_heads_;
  std::vector<std::thread> relays_;  // under mutex_
  std::thread acceptor_;
};

}  // namespace pipectl::test

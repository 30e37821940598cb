// A small, honest HTTP/1.1 client for tests (Boost.Beast, plain or TLS): one keep-alive
// connection, and answers that say exactly how far they got (a short read, a timeout), so a
// test can check a server's faults rather than hide them.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace pipectl::test {

struct HttpAnswer {
  int status = 0;                              // 0: no header arrived
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // what arrived of it
  std::string error;                           // empty when the whole answer arrived
  double header_seconds = 0;                   // from the request to the end of the header
  double seconds = 0;                          // from the request to the end (or the error)

  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

class HttpProbe {
 public:
  // `base_url` is "http://127.0.0.1:PORT" or "https://...". With https, the server's
  // certificate must chain to `ca_file` and name the host (IP addresses included).
  explicit HttpProbe(const std::string& base_url, const std::optional<std::filesystem::path>& ca_file = std::nullopt,
                     std::chrono::milliseconds time_out = std::chrono::seconds(20));
  ~HttpProbe();
  HttpProbe(const HttpProbe&) = delete;
  HttpProbe& operator=(const HttpProbe&) = delete;

  // GET `target` ("/2/users/..."), with "Authorization: Bearer <token>" when given. A body
  // bigger than `body_limit` is an error. After any error the connection is closed, and the
  // next request opens a new one.
  HttpAnswer get(const std::string& target, const std::optional<std::string>& token = std::nullopt,
                 std::size_t body_limit = 16 * 1024 * 1024);

  // Like get, but reads only the header and the first `bytes` of the body, then closes.
  HttpAnswer get_start(const std::string& target, std::size_t bytes,
                       const std::optional<std::string>& token = std::nullopt);

  // How many connections this probe has opened so far.
  int connections() const { return connections_; }

 private:
  struct Connection;
  Connection& connect();
  HttpAnswer request(const std::string& target, const std::optional<std::string>& token, std::size_t body_limit,
                     std::optional<std::size_t> only_first);

  std::string host_;
  std::string port_;
  bool tls_ = false;
  std::optional<std::filesystem::path> ca_file_;
  std::chrono::milliseconds time_out_;
  std::unique_ptr<Connection> connection_;
  int connections_ = 0;
};

}  // namespace pipectl::test

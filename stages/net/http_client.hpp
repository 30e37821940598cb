// A small synchronous HTTP/1.1 GET client for the live X API and media downloads (Boost.Beast
// over Asio; TLS with OpenSSL): a deadline on every phase, a cap on the body, verified TLS
// (chain, host name, SNI), at most a few redirects, and error messages that never show a query
// string or a header value.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pipectl::net {

struct HttpOptions {
  // Resolving the host name, connecting and the TLS handshake, together.
  std::chrono::milliseconds connect_timeout{10000};
  // Sending the request and reading the whole response, headers and body: a deadline for the
  // response, not an idle time between reads, so a server that trickles bytes cannot hold the
  // caller for longer than this.
  std::chrono::milliseconds read_timeout{30000};
  // A larger body fails with too_large, as soon as its Content-Length says so (or, without one,
  // once that many bytes came), so a huge answer is never read whole.
  std::uint64_t max_body_bytes = 64ull << 20;
  std::string ca_file;  // PEM file of the certificate authorities to trust; empty: the system's
  std::string user_agent = "pipectl/0.1";
  // 301, 302, 303, 307 and 308 with a Location are followed up to this many times (to http(s)
  // URLs; never from https to http); 0 returns the redirect itself.
  int max_redirects = 3;
  // Asked every 50 ms while the client waits (resolving, connecting, reading): once it returns
  // true the request stops with HttpError cancelled, so Ctrl-C does not wait for a slow server's
  // read_timeout. Empty: never cancelled.
  std::function<bool()> cancelled;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case; repeated headers joined with ", "
  std::string body;
  std::string url;  // the URL that answered, after redirects (with its query: do not print it)
};

enum class HttpErrorKind {
  bad_url,    // not an http(s) URL this client can send
  resolve,    // the host name has no address
  connect,    // no connection (refused, unreachable)
  tls,        // the handshake failed: certificate not trusted, not for this host, no common protocol
  timeout,    // connect_timeout or read_timeout passed
  too_large,  // the body (or the header) is over the limit
  protocol,   // the server's answer is not valid HTTP/1.1
  closed,     // the connection closed or broke before the response was complete
  redirect,   // too many redirects, or one to a URL that may not be followed (https to http)
  cancelled,  // HttpOptions::cancelled said stop (the run is being stopped)
};

const char* to_string(HttpErrorKind kind);

// Worth another attempt after a backoff (resolve, connect, timeout, closed): the fault may pass.
// A bad URL, a TLS failure, a body over the cap, garbled HTTP, bad redirects and a cancelled
// request will not.
bool is_transient(HttpErrorKind kind);

class HttpError : public std::runtime_error {
 public:
  // what() is "GET <url without query>: <detail>".
  HttpError(HttpErrorKind kind, const std::string& url_for_messages, const std::string& detail);
  const std::string& detail() const { return detail_; }  // what went wrong, without the URL

  HttpErrorKind kind;

 private:
  std::string detail_;
};

// Not thread-safe: use one client per thread (a client is cheap; each keeps its own
// connections). Connections are kept alive and reused, one per (scheme, host, port); a reused
// connection that the server had closed meanwhile is replaced transparently (GET is idempotent).
class HttpClient {
 public:
  // Throws HttpError (kind tls) when ca_file cannot be read.
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Any status the server answers is returned, 4xx and 5xx included; only failures to get an
  // answer throw HttpError. Extra headers (Authorization, say) go with the request, and with a
  // redirect only to the same scheme, host and port; their values never appear in an error
  // message or a log. A header name or value that would split the request (CR, LF, NUL) throws
  // std::invalid_argument, naming the header only.
  HttpResponse get(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers = {});

  const HttpOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pipectl::net

// One HTTP/1.1 connection of the client, plain TCP or TLS, driven synchronously: each call starts
// an asynchronous operation under a deadline (beast::tcp_stream::expires_at) and runs the
// client's io_context until it completes. Internal to the net library.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "http_client.hpp"
#include "url.hpp"

namespace pipectl::net::detail {

using Clock = std::chrono::steady_clock;
using Request = boost::beast::http::request<boost::beast::http::empty_body>;

// A reused connection failed before any byte of the answer came: the server had closed it while
// it was idle. The request may go again on a new connection.
struct StaleConnection {};

class Connection {
 public:
  // `tls` is null for http://; it must outlive the connection.
  Connection(boost::asio::io_context& io, boost::asio::ssl::context* tls);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Resolves, connects and (https) shakes hands before `deadline`. `shown_url` names the request
  // in errors. Throws HttpError (resolve, connect, tls, timeout).
  void open(const Url& url, Clock::time_point deadline, const HttpOptions& options, const std::string& shown_url);

  // Sends `request` and reads the whole response before `deadline`. Throws HttpError, or
  // StaleConnection when the connection had served an earlier request and nothing came back.
  HttpResponse exchange(const Request& request, Clock::time_point deadline, const HttpOptions& options,
                        const std::string& shown_url);

  // The last response left the connection usable for another request (keep-alive, body read).
  bool reusable() const { return reusable_; }

 private:
  template <class Function>
  auto with_stream(Function function);
  boost::beast::tcp_stream& socket();

  boost::asio::io_context& io_;
  std::unique_ptr<boost::beast::tcp_stream> plain_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure_;
  boost::beast::flat_buffer buffer_;
  bool used_ = false;  // served a request already: a failure before the answer means it went stale
  bool reusable_ = false;
};

}  // namespace pipectl::net::detail

#include "http_connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
// GCC 12 at -O2 and above sees a boost::optional in Beast's parser as maybe uninitialized (a
// known false positive of -Wmaybe-uninitialized with boost::optional).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#pragma GCC diagnostic pop
#include <algorithm>
#include <cctype>
#include <optional>

#include "tls_context.hpp"

namespace pipectl::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// Headers beyond this are not an API's or a CDN's: refused as too_large.
constexpr std::uint32_t header_limit = 64 * 1024;

// How often a wait looks at HttpOptions::cancelled: Ctrl-C stops a download within this (plus
// the time the operation takes to unwind), not after the whole read_timeout.
constexpr auto cancel_poll = std::chrono::milliseconds(50);

bool cancel_requested(const HttpOptions& options) { return options.cancelled && options.cancelled(); }

HttpError cancelled_error(const std::string& shown_url) {
  return HttpError(HttpErrorKind::cancelled, shown_url, "stopped: the run is being cancelled");
}

// Runs `io` until the operation `start` begins has completed, and returns its error code. The
// operation itself is bounded by the deadline set on the stream before it starts. When
// options.cancelled says so, `stream` is cancelled (the operation completes, aborted) and
// HttpError cancelled is thrown: the connection is then unusable and never kept.
template <class Start>
error_code run_operation(asio::io_context& io, beast::tcp_stream& stream, const HttpOptions& options,
                         const std::string& shown_url, Start start) {
  std::optional<error_code> result;
  start([&result](error_code error, auto&&...) { result = error; });
  bool stopping = false;
  while (!result) {
    if (io.stopped()) io.restart();
    if (!options.cancelled || stopping) {
      io.run_one();
    } else if (io.run_one_for(cancel_poll) == 0 && !result && cancel_requested(options)) {
      stream.cancel();
      stopping = true;
    }
  }
  if (stopping || cancel_requested(options)) throw cancelled_error(shown_url);
  return *result;
}

std::string milliseconds_text(std::chrono::milliseconds time) {
  std::string text = std::to_string(time.count());
  return text.append(" ms");
}

bool is_connection_loss(const error_code& error) {
  return error == http::error::end_of_stream || error == asio::error::eof || error == asio::error::connection_reset ||
         error == asio::error::broken_pipe || error == asio::error::connection_aborted ||
         error == asio::ssl::error::stream_truncated;
}

}  // namespace

Connection::Connection(asio::io_context& io, asio::ssl::context* tls) : io_(io) {
  if (tls) secure_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, *tls);
  else plain_ = std::make_unique<beast::tcp_stream>(io);
}

Connection::~Connection() {
  // No TLS close_notify: the server learns from the TCP close, and waiting for its answer could
  // only delay the caller.
  error_code ignored;
  socket().socket().close(ignored);
}

beast::tcp_stream& Connection::socket() { return secure_ ? beast::get_lowest_layer(*secure_) : *plain_; }

template <class Function>
auto Connection::with_stream(Function function) {
  return secure_ ? function(*secure_) : function(*plain_);
}

void Connection::open(const Url& url, Clock::time_point deadline, const HttpOptions& options,
                      const std::string& shown_url) {
  const std::string limit = milliseconds_text(options.connect_timeout);
  // The resolver runs getaddrinfo on a thread of its own and cannot be interrupted, so at the
  // deadline the lookup is abandoned: its handler owns what it writes to.
  struct Lookup {
    std::optional<error_code> error;
    tcp::resolver::results_type endpoints;
  };
  auto lookup = std::make_shared<Lookup>();
  tcp::resolver resolver(io_);
  resolver.async_resolve(url.host, std::to_string(url.port),
                         [lookup](error_code error, tcp::resolver::results_type endpoints) {
                           lookup->error = error;
                           lookup->endpoints = std::move(endpoints);
                         });
  while (!lookup->error) {
    if (io_.stopped()) io_.restart();
    const auto step = options.cancelled ? std::min(deadline, Clock::now() + cancel_poll) : deadline;
    if (io_.run_one_until(step) == 0) {
      if (Clock::now() >= deadline)
        throw HttpError(HttpErrorKind::timeout, shown_url,
                        std::string("no address for ").append(url.host).append(" within ").append(limit));
      if (cancel_requested(options)) throw cancelled_error(shown_url);
    }
  }
  if (*lookup->error)
    throw HttpError(HttpErrorKind::resolve, shown_url,
                    std::string("cannot resolve ").append(url.host).append(": ").append(lookup->error->message()));

  socket().expires_at(deadline);
  error_code error = run_operation(io_, socket(), options, shown_url, [&](auto handler) { socket().async_connect(lookup->endpoints, handler); });
  if (error == beast::error::timeout)
    throw HttpError(HttpErrorKind::timeout, shown_url, std::string("no connection within ").append(limit));
  if (error)
    throw HttpError(HttpErrorKind::connect, shown_url,
                    std::string("cannot connect to ").append(url.authority()).append(": ").append(error.message()));
  socket().socket().set_option(tcp::no_delay(true), error);

  if (secure_) {
    try {
      prepare_tls_stream(*secure_, url.host);
    } catch (const std::exception& failure) {
      throw HttpError(HttpErrorKind::tls, shown_url, failure.what());
    }
    error =
        run_operation(io_, socket(), options, shown_url, [&](auto handler) { secure_->async_handshake(asio::ssl::stream_base::client, handler); });
    if (error == beast::error::timeout)
      throw HttpError(HttpErrorKind::timeout, shown_url, std::string("no TLS handshake within ").append(limit));
    if (error)
      throw HttpError(HttpErrorKind::tls, shown_url, describe_handshake_failure(secure_->native_handle(), error));
  }
}

HttpResponse Connection::exchange(const Request& request, Clock::time_point deadline, const HttpOptions& options,
                                  const std::string& shown_url) {
  const bool reused = used_;
  used_ = true;
  reusable_ = false;
  const std::string no_answer =
      std::string("no complete answer within ").append(milliseconds_text(options.read_timeout));

  socket().expires_at(deadline);
  error_code error = with_stream([&](auto& stream) {
    return run_operation(io_, socket(), options, shown_url, [&](auto handler) { http::async_write(stream, request, handler); });
  });
  if (error == beast::error::timeout) throw HttpError(HttpErrorKind::timeout, shown_url, no_answer);
  if (error && reused) throw StaleConnection{};
  if (error)
    throw HttpError(HttpErrorKind::closed, shown_url,
                    std::string("the request could not be sent: ").append(error.message()));

  // Interim answers (1xx: 100 Continue, 103 Early Hints, which a CDN may send first) are read and
  // dropped: the caller gets the final one. Found by tests/fuzz/fuzz_http_response.cpp, as was a
  // status outside 100-599 (Beast reads any three digits), which is no HTTP answer.
  std::optional<http::response_parser<http::string_body>> reading;
  for (bool interim = false;; interim = true) {
    auto& parser = reading.emplace();
    parser.header_limit(header_limit);
    parser.body_limit(options.max_body_bytes);
    error = with_stream([&](auto& stream) {
      return run_operation(io_, socket(), options, shown_url, [&](auto handler) { http::async_read(stream, buffer_, parser, handler); });
    });
    if (error) {
      if (error == beast::error::timeout) throw HttpError(HttpErrorKind::timeout, shown_url, no_answer);
      if (reused && !interim && !parser.got_some() && is_connection_loss(error)) throw StaleConnection{};
      if (error == http::error::body_limit) {
        std::string detail = "the body is larger than the limit of ";
        throw HttpError(HttpErrorKind::too_large, shown_url,
                        detail.append(std::to_string(options.max_body_bytes)).append(" bytes"));
      }
      if (error == http::error::header_limit) {
        std::string detail = "the response header is larger than ";
        throw HttpError(HttpErrorKind::too_large, shown_url,
                        detail.append(std::to_string(header_limit)).append(" bytes"));
      }
      if (error == http::error::partial_message)
        throw HttpError(HttpErrorKind::closed, shown_url, "the connection closed before the end of the response");
      if (is_connection_loss(error))
        throw HttpError(HttpErrorKind::closed, shown_url,
                        std::string("the connection closed before a complete answer: ").append(error.message()));
      if (error.category() == http::make_error_code(http::error::bad_version).category())
        throw HttpError(HttpErrorKind::protocol, shown_url,
                        std::string("the answer is not valid HTTP/1.1: ").append(error.message()));
      throw HttpError(HttpErrorKind::closed, shown_url,
                      std::string("reading the answer failed: ").append(error.message()));
    }
    const unsigned status = parser.get().result_int();
    if (status < 100 || status > 599)
      throw HttpError(HttpErrorKind::protocol, shown_url,
                      std::string("the answer's status ").append(std::to_string(status)).append(" is not HTTP's"));
    if (status >= 200 || status == 101) break;
  }

  reusable_ = reading->keep_alive();
  auto message = reading->release();
  HttpResponse response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    auto [entry, added] = response.headers.emplace(name, std::string(field.value()));
    if (!added) entry->second.append(", ").append(field.value());
  }
  response.body = std::move(message.body());
  return response;
}

}  // namespace pipectl::net::detail

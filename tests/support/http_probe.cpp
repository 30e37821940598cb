// The test HTTP client: each operation is asynchronous with a deadline (beast::tcp_stream's
// expires_after), run to completion on the probe's own io_context.
#include "http_probe.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
// GCC 12 at -O2 with sanitizers sees a boost::optional in Beast's parser as maybe uninitialized
// (a known false positive of -Wmaybe-uninitialized with boost::optional).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
#include <boost/beast/ssl.hpp>
#include <limits>
#include <stdexcept>

namespace pipectl::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct HttpProbe::Connection {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  bool broken = false;
};

namespace {

// Starts `operation` with a handler that keeps its error code, and runs it to the end.
template <class Operation>
beast::error_code run(asio::io_context& io, Operation&& operation) {
  beast::error_code result;
  operation([&result](beast::error_code error, auto&&...) { result = error; });
  io.restart();
  io.run();
  return result;
}

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

template <class Stream>
void exchange(asio::io_context& io, Stream& stream, beast::flat_buffer& buffer, http::request<http::empty_body>& request,
              std::chrono::milliseconds time_out, std::size_t body_limit, std::optional<std::size_t> only_first,
              HttpAnswer& answer) {
  auto start = Clock::now();
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(time_out);
  if (auto error = run(io, [&](auto handler) { http::async_write(stream, request, handler); })) {
    answer.error = error.message();
    return;
  }
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(only_first ? std::numeric_limits<std::uint64_t>::max() : body_limit);
  lowest.expires_after(time_out);
  auto header_error = run(io, [&](auto handler) { http::async_read_header(stream, buffer, parser, handler); });
  answer.header_seconds = since(start);
  if (parser.is_header_done()) {
    answer.status = parser.get().result_int();
    for (const auto& field : parser.get())
      answer.headers[lower(std::string(field.name_string()))] = std::string(field.value());
  }
  if (header_error) {  // a Content-Length over the limit is refused here, before any body
    answer.error = header_error.message();
    answer.seconds = since(start);
    return;
  }
  char chunk[64 * 1024];
  while (!parser.is_done()) {
    if (only_first && answer.body.size() >= *only_first) break;
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    lowest.expires_after(time_out);
    auto error = run(io, [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
    answer.body.append(chunk, sizeof chunk - parser.get().body().size);
    if (error == http::error::need_buffer) error = {};
    if (error) {
      answer.error = error.message();
      break;
    }
  }
  if (only_first && answer.body.size() > *only_first) answer.body.resize(*only_first);
  answer.seconds = since(start);
}

}  // namespace

HttpProbe::HttpProbe(const std::string& base_url, const std::optional<std::filesystem::path>& ca_file,
                     std::chrono::milliseconds time_out)
    : ca_file_(ca_file), time_out_(time_out) {
  std::string rest;
  if (base_url.rfind("http://", 0) == 0) {
    rest = base_url.substr(7);
  } else if (base_url.rfind("https://", 0) == 0) {
    rest = base_url.substr(8);
    tls_ = true;
  } else {
    throw std::invalid_argument(std::string("not an http(s) URL: ").append(base_url));
  }
  auto colon = rest.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument(std::string("no port in ").append(base_url));
  host_ = rest.substr(0, colon);
  port_ = rest.substr(colon + 1);
  if (!port_.empty() && port_.back() == '/') port_.pop_back();
  if (host_.size() > 2 && host_.front() == '[') host_ = host_.substr(1, host_.size() - 2);
}

HttpProbe::~HttpProbe() = default;

HttpProbe::Connection& HttpProbe::connect() {
  if (connection_ && !connection_->broken) return *connection_;
  connection_ = std::make_unique<Connection>();
  Connection& c = *connection_;
  tcp::resolver resolver(c.io);
  auto endpoints = resolver.resolve(host_, port_);
  auto open = [&](beast::tcp_stream& stream) {
    stream.expires_after(time_out_);
    if (auto error = run(c.io, [&](auto handler) { stream.async_connect(endpoints, handler); }))
      throw std::runtime_error(std::string("cannot connect to ").append(host_).append(":").append(port_).append(": ").append(
          error.message()));
  };
  if (!tls_) {
    c.plain = std::make_unique<beast::tcp_stream>(c.io);
    open(*c.plain);
  } else {
    c.tls.set_verify_mode(asio::ssl::verify_peer);
    if (ca_file_) c.tls.load_verify_file(ca_file_->string());
    else c.tls.set_default_verify_paths();
    c.secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(c.io, c.tls);
    c.secure->set_verify_callback(asio::ssl::host_name_verification(host_));
    open(beast::get_lowest_layer(*c.secure));
    beast::get_lowest_layer(*c.secure).expires_after(time_out_);
    if (auto error = run(c.io, [&](auto handler) { c.secure->async_handshake(asio::ssl::stream_base::client, handler); }))
      throw std::runtime_error(std::string("TLS handshake with ").append(host_).append(" failed: ").append(error.message()));
  }
  ++connections_;
  return c;
}

HttpAnswer HttpProbe::request(const std::string& target, const std::optional<std::string>& token,
                              std::size_t body_limit, std::optional<std::size_t> only_first) {
  Connection& c = connect();
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, std::string(host_).append(":").append(port_));
  request.set(http::field::user_agent, "pipectl-test-probe");
  if (token) request.set(http::field::authorization, std::string("Bearer ").append(*token));
  HttpAnswer answer;
  if (c.plain) exchange(c.io, *c.plain, c.buffer, request, time_out_, body_limit, only_first, answer);
  else exchange(c.io, *c.secure, c.buffer, request, time_out_, body_limit, only_first, answer);
  // Anything short of a whole answer leaves the connection unusable: the next request opens one.
  if (!answer.error.empty() || only_first || lower(answer.header("connection")) == "close") c.broken = true;
  return answer;
}

HttpAnswer HttpProbe::get(const std::string& target, const std::optional<std::string>& token, std::size_t body_limit) {
  return request(target, token, body_limit, std::nullopt);
}

HttpAnswer HttpProbe::get_start(const std::string& target, std::size_t bytes, const std::optional<std::string>& token) {
  return request(target, token, 0, bytes);
}

}  // namespace pipectl::test

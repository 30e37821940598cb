// Serves a connection: reads a request, asks the Api, sends the Reply as the faults say, again
// until the client closes, asks to close, goes idle, or a fault drops the connection.
#include "connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
// GCC 12 sees a boost::optional in Beast's parser as maybe uninitialized (a known false
// positive of -Wmaybe-uninitialized with boost::optional).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/read.hpp>
#pragma GCC diagnostic pop
#include <algorithm>
#include <chrono>
#include <ctime>

namespace fake_x_api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);
// A connection idle this long between requests is closed; so is one whose client stops
// reading an answer for this long.
constexpr auto idle_time_out = std::chrono::seconds(30);
constexpr auto write_time_out = std::chrono::seconds(30);
constexpr auto handshake_time_out = std::chrono::seconds(10);
// Requests are GET lines with a few headers.
constexpr std::uint32_t header_limit = 16 * 1024;
constexpr std::uint64_t body_limit = 64 * 1024;
// A body is written in pieces of this size, or in trickle_pieces pieces when trickled.
constexpr std::size_t piece_size = 64 * 1024;
constexpr std::uint64_t trickle_pieces = 20;

enum class After { keep_open, close, drop };

std::string http_date() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return text;
}

std::string header_text(const Reply& reply, unsigned version, bool keep_alive) {
  auto reason = http::obsolete_reason(static_cast<http::status>(reply.status));
  std::string text(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  text.append(std::to_string(reply.status)).append(" ").append(reason.data(), reason.size()).append("\r\n");
  for (const auto& [name, value] : reply.headers) text.append(name).append(": ").append(value).append("\r\n");
  text.append("Date: ").append(http_date()).append("\r\nServer: fake-x-api\r\n");
  if (reply.chunked) text.append("Transfer-Encoding: chunked\r\n");
  else text.append("Content-Length: ").append(std::to_string(reply.size())).append("\r\n");
  text.append("Connection: ").append(keep_alive ? "keep-alive" : "close").append("\r\n\r\n");
  return text;
}

// Bytes [offset, offset + count) of the reply's body, from its three parts.
void body_piece(const Reply& reply, std::uint64_t offset, std::size_t count, std::string& piece) {
  piece.clear();
  std::uint64_t end = offset + count;
  std::uint64_t filler_start = reply.body.size();
  std::uint64_t suffix_start = filler_start + reply.filler_bytes;
  if (offset < filler_start) piece.append(reply.body, offset, std::min(end, filler_start) - offset);
  if (end > filler_start && offset < suffix_start)
    piece.append(std::min(end, suffix_start) - std::max(offset, filler_start), reply.filler);
  if (end > suffix_start)
    piece.append(reply.suffix, std::max(offset, suffix_start) - suffix_start, end - std::max(offset, suffix_start));
}

asio::awaitable<void> pause(long milliseconds) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(milliseconds));
  co_await timer.async_wait(no_throw);
}

template <class Stream>
asio::awaitable<bool> write_all(Stream& stream, const std::string& bytes) {
  beast::get_lowest_layer(stream).expires_after(write_time_out);
  auto [error, written] = co_await asio::async_write(stream, asio::buffer(bytes), no_throw);
  co_return !error;
}

// Sends the reply as its faults say; tells what to do with the connection afterwards.
template <class Stream>
asio::awaitable<After> send(Stream& stream, const Reply& reply, unsigned version, bool keep_alive) {
  if (reply.delay_ms > 0) co_await pause(reply.delay_ms);
  if (!co_await write_all(stream, header_text(reply, version, keep_alive))) co_return After::close;
  std::uint64_t total = reply.size();
  std::uint64_t end = reply.drop_mid_body ? total / 2 : total;
  std::uint64_t step = piece_size;
  long gap_ms = 0;
  if (reply.trickle_ms > 0) {
    step = std::max<std::uint64_t>(1, (total + trickle_pieces - 1) / trickle_pieces);
    gap_ms = static_cast<long>(reply.trickle_ms / static_cast<long>(trickle_pieces));
  }
  std::string piece;
  for (std::uint64_t offset = 0; offset < end; offset += step) {
    body_piece(reply, offset, static_cast<std::size_t>(std::min(step, end - offset)), piece);
    if (reply.chunked) {
      char size[20];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      piece.insert(0, size).append("\r\n");
    }
    if (!co_await write_all(stream, piece)) co_return After::close;
    if (gap_ms > 0 && offset + step < end) co_await pause(gap_ms);
  }
  if (reply.drop_mid_body) co_return After::drop;
  if (reply.chunked && !co_await write_all(stream, std::string("0\r\n\r\n"))) co_return After::close;
  co_return keep_alive ? After::keep_open : After::close;
}

// A parse error (not HTTP, too big), as opposed to the connection failing or closing.
bool is_bad_request(const beast::error_code& error) {
  return error.category() == make_error_code(http::error::bad_target).category() &&
         error != http::error::end_of_stream && error != http::error::partial_message;
}

template <class Stream>
asio::awaitable<After> serve_requests(Stream& stream, Api& api, long id) {
  beast::flat_buffer buffer;
  while (true) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(body_limit);
    beast::get_lowest_layer(stream).expires_after(idle_time_out);
    auto [read_error, read] = co_await http::async_read(stream, buffer, parser, no_throw);
    if (read_error) {
      if (is_bad_request(read_error)) {
        Reply refusal;
        refusal.status = 400;
        refusal.set("Content-Type", "text/plain; charset=utf-8");
        refusal.body = "bad request\n";
        co_await send(stream, refusal, 11, false);
      }
      co_return After::close;
    }
    const auto& message = parser.get();
    Request request{std::string(message.method_string()), std::string(message.target()), std::nullopt, id};
    if (auto found = message.find(http::field::authorization); found != message.end())
      request.authorization = std::string(found->value());
    Reply reply = api.answer(request);
    After after = co_await send(stream, reply, message.version(), message.keep_alive());
    if (after != After::keep_open) co_return after;
  }
}

}  // namespace

asio::awaitable<void> serve_plain(tcp::socket socket, Api& api, long id) {
  beast::tcp_stream stream(std::move(socket));
  After after = co_await serve_requests(stream, api, id);
  beast::error_code ignored;
  // A drop closes at once, mid-body; otherwise the client reads to the end, then sees EOF.
  if (after != After::drop) stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
}

asio::awaitable<void> serve_tls(tcp::socket socket, asio::ssl::context& tls, Api& api, long id) {
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls);
  beast::get_lowest_layer(stream).expires_after(handshake_time_out);
  auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::server, no_throw);
  if (handshake_error) co_return;
  After after = co_await serve_requests(stream, api, id);
  // A drop leaves without TLS's close_notify, as a connection cut in the middle does.
  if (after != After::drop) {
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(no_throw);
  }
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().close(ignored);
}

}  // namespace fake_x_api

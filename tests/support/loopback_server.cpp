// The loopback server: C++20 coroutines on one io_context thread, a coroutine per connection,
// replies written as raw bytes so that they can break the rules on purpose.
#include "loopback_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
// GCC 12 sees a boost::optional in Beast's parser as maybe uninitialized (a false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/read.hpp>
#pragma GCC diagnostic pop
#include <algorithm>
#include <cctype>
#include <sstream>
#include <thread>

namespace pipectl::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct LoopbackServer::State {
  // Declared so that io goes before what its pending coroutines use (counters, handler, TLS).
  std::atomic<int> requests{0};
  std::atomic<int> connections{0};
  std::atomic<int> in_progress{0};
  std::atomic<int> most_at_once{0};
  std::atomic<std::uint64_t> flood_bytes{0};
  std::uint16_t port = 0;
  Handler handler;
  std::optional<ssl::context> tls;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
};

namespace {

using State = LoopbackServer::State;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

// Counts a request as in progress from when it was read until its reply is sent.
class InProgress {
 public:
  explicit InProgress(State& state) : state_(state) {
    int now = ++state_.in_progress;
    int most = state_.most_at_once.load();
    while (now > most && !state_.most_at_once.compare_exchange_weak(most, now)) {
    }
  }
  ~InProgress() { --state_.in_progress; }
  InProgress(const InProgress&) = delete;
  InProgress& operator=(const InProgress&) = delete;

 private:
  State& state_;
};

asio::awaitable<void> pause(std::chrono::milliseconds time) {
  if (time.count() <= 0) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, time);
  co_await timer.async_wait(no_throw);
}

template <class Stream>
asio::awaitable<bool> send(Stream& stream, const std::string& bytes) {
  auto [error, sent] = co_await asio::async_write(stream, asio::buffer(bytes), no_throw);
  co_return !error;
}

LoopbackRequest to_loopback_request(const http::request<http::string_body>& request) {
  LoopbackRequest result;
  result.method = std::string(request.method_string());
  result.target = std::string(request.target());
  for (const auto& field : request) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    result.headers[name] = std::string(field.value());
  }
  result.body = request.body();
  return result;
}

std::string reply_head(const LoopbackReply& reply, bool keep_alive) {
  std::ostringstream head;
  head << "HTTP/1.1 " << reply.status << ' ' << http::obsolete_reason(http::int_to_status(reply.status)) << "\r\n";
  for (const auto& [name, value] : reply.headers) head << name << ": " << value << "\r\n";
  if (reply.flood == LoopbackReply::Flood::chunked) head << "Transfer-Encoding: chunked\r\n";
  else if (reply.flood == LoopbackReply::Flood::with_length) head << "Content-Length: 1099511627776\r\n";
  else head << "Content-Length: " << reply.body.size() << "\r\n";
  head << "Connection: " << (keep_alive ? "keep-alive" : "close") << "\r\n\r\n";
  return head.str();
}

// Filler until the client stops reading and goes away.
template <class Stream>
asio::awaitable<void> flood(Stream& stream, State& state, bool chunked) {
  const std::string block(64 * 1024, 'x');
  std::ostringstream size;
  size << std::hex << block.size();
  const std::string chunk = size.str() + "\r\n" + block + "\r\n";
  const std::string& bytes = chunked ? chunk : block;
  while (co_await send(stream, bytes)) state.flood_bytes += block.size();
}

template <class Stream>
void close(Stream& stream) {
  boost::system::error_code ignored;
  auto& socket = beast::get_lowest_layer(stream).socket();
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// Requests on one connection, one after the other, until it closes or a reply ends it.
template <class Stream>
asio::awaitable<void> serve(Stream& stream, State& state) {
  beast::flat_buffer buffer;
  while (true) {
    http::request<http::string_body> request;
    auto [error, read] = co_await http::async_read(stream, buffer, request, no_throw);
    if (error) co_return close(stream);
    ++state.requests;
    InProgress counted(state);
    LoopbackReply reply;
    try {
      reply = state.handler(to_loopback_request(request));
    } catch (const std::exception& failure) {
      reply = reply_with(500, std::string("handler failed: ") + failure.what());
    }
    const bool misbehaves = reply.cut_after || reply.flood != LoopbackReply::Flood::none;
    const bool keep_alive = request.keep_alive() && !misbehaves;

    co_await pause(reply.delay);
    const std::string head = reply_head(reply, keep_alive || reply.close_silently);
    if (reply.flood != LoopbackReply::Flood::none) {
      if (co_await send(stream, head)) co_await flood(stream, state, reply.flood == LoopbackReply::Flood::chunked);
      co_return close(stream);
    }
    std::string body = reply.cut_after ? reply.body.substr(0, *reply.cut_after) : reply.body;
    if (reply.pause_after_headers.count() > 0) {
      if (!co_await send(stream, head)) co_return close(stream);
      co_await pause(reply.pause_after_headers);
      if (!co_await send(stream, body)) co_return close(stream);
    } else if (!co_await send(stream, head + body)) {
      co_return close(stream);
    }
    if (!keep_alive || reply.close_silently) co_return close(stream);
  }
}

asio::awaitable<void> connection(tcp::socket socket, State& state) {
  if (state.tls) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *state.tls);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    auto [error] = co_await stream.async_handshake(ssl::stream_base::server, no_throw);
    if (error) co_return close(stream);  // the client refused our certificate, say
    beast::get_lowest_layer(stream).expires_never();
    co_await serve(stream, state);
  } else {
    beast::tcp_stream stream(std::move(socket));
    co_await serve(stream, state);
  }
}

asio::awaitable<void> accept(State& state) {
  while (true) {
    auto [error, socket] = co_await state.acceptor.async_accept(no_throw);
    if (error) co_return;
    ++state.connections;
    asio::co_spawn(state.io, connection(std::move(socket), state), asio::detached);
  }
}

}  // namespace

LoopbackServer::LoopbackServer(Handler handler, std::optional<TlsFiles> tls) : state_(std::make_shared<State>()) {
  state_->handler = std::move(handler);
  if (tls) {
    state_->tls.emplace(ssl::context::tls_server);
    state_->tls->use_certificate_chain_file(tls->certificate_chain);
    state_->tls->use_private_key_file(tls->private_key, ssl::context::pem);
  }
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen();
  state_->port = state_->acceptor.local_endpoint().port();
  asio::co_spawn(state_->io, accept(*state_), asio::detached);
  state_->thread = std::thread([state = state_.get()] { state->io.run(); });
}

LoopbackServer::~LoopbackServer() {
  state_->io.stop();
  state_->thread.join();
}

std::uint16_t LoopbackServer::port() const { return state_->port; }

std::string LoopbackServer::url(const std::string& path, const std::string& host) const {
  std::string url = state_->tls ? "https://" : "http://";
  return url.append(host).append(":").append(std::to_string(port())).append(path);
}

int LoopbackServer::requests() const { return state_->requests; }
int LoopbackServer::connections() const { return state_->connections; }
int LoopbackServer::most_at_once() const { return state_->most_at_once; }
std::uint64_t LoopbackServer::flood_bytes() const { return state_->flood_bytes; }

LoopbackReply reply_with(int status, std::string body) {
  LoopbackReply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

LoopbackReply redirect_to(int status, std::string location) {
  LoopbackReply reply;
  reply.status = status;
  reply.headers = {{"Location", std::move(location)}};
  return reply;
}

std::uint16_t unused_loopback_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace pipectl::test

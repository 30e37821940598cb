// The status page's HTTP server: accepts connections and serves each one (keep-alive) on one
// thread of its own with Boost.Beast; what it answers comes from status_routes.cpp.
#include "status_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
// GCC 12 at -O2 with sanitizers sees a boost::optional in Beast's parser as maybe uninitialized
// (a known false positive of -Wmaybe-uninitialized with boost::optional).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/read.hpp>
#pragma GCC diagnostic pop
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "status_routes.hpp"

namespace pipectl::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct StatusServer::Serving {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  tcp::endpoint endpoint;
  std::thread thread;
};

namespace {

// How long a connection may stay idle between requests, and how long one answer may take to
// send (a whole video, to a browser that reads it slowly). Past these the connection is closed,
// so a client that goes quiet cannot hold a connection for ever.
constexpr auto idle_time_out = std::chrono::seconds(30);
constexpr auto send_time_out = std::chrono::seconds(60);
// A request is a GET or HEAD line with a few headers; anything bigger is refused (400).
constexpr std::uint32_t header_limit = 16 * 1024;
constexpr std::uint64_t body_limit = 16 * 1024;

constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

std::string host_and_port(const tcp::endpoint& endpoint) {
  std::ostringstream text;
  text << endpoint;  // "127.0.0.1:8080", "[::1]:8080"
  return text.str();
}

// Sends an answer (only its header for HEAD, with the length the body would have), with the
// headers every answer has.
template <class Body>
asio::awaitable<beast::error_code> send(beast::tcp_stream& stream, http::response<Body>& response,
                                        const StatusRequest& request) {
  response.version(request.version());
  response.set(http::field::server, "pipectl");
  response.set("X-Content-Type-Options", "nosniff");
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  stream.expires_after(send_time_out);
  if (request.method() == http::verb::head) {
    http::response<http::empty_body> header_only{std::move(response.base())};
    auto [error, sent] = co_await http::async_write(stream, header_only, no_throw);
    co_return error;
  }
  auto [error, sent] = co_await http::async_write(stream, response, no_throw);
  co_return error;
}

// A parse error (not HTTP, too big), as opposed to the connection failing or closing.
bool is_bad_request(const beast::error_code& error) {
  return error.category() == make_error_code(http::error::bad_target).category() &&
         error != http::error::end_of_stream && error != http::error::partial_message;
}

// One connection: requests answered in turn until the client closes it, asks to, goes idle
// or sends something that is not HTTP.
asio::awaitable<void> serve(beast::tcp_stream stream, const RunBoard& board) {
  beast::flat_buffer buffer;
  while (true) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(body_limit);
    stream.expires_after(idle_time_out);
    auto [read_error, read] = co_await http::async_read(stream, buffer, parser, no_throw);
    if (read_error) {
      if (is_bad_request(read_error)) {  // say so, then close the connection
        StatusRequest closing{http::verb::get, "/", 11};
        closing.keep_alive(false);
        TextResponse refusal{http::status::bad_request, 11};
        refusal.set(http::field::content_type, "text/plain; charset=utf-8");
        refusal.body() = "bad request\n";
        co_await send(stream, refusal, closing);
      }
      break;
    }
    const StatusRequest& request = parser.get();
    StatusResponse response = answer(request, board);
    auto send_error =
        co_await std::visit([&](auto& alternative) { return send(stream, alternative, request); }, response);
    if (send_error || !request.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, const RunBoard& board) {
  while (true) {
    auto [error, socket] = co_await acceptor.async_accept(no_throw);
    if (error == asio::error::operation_aborted) co_return;
    if (error) {
      // Out of file descriptors, say: wait a little rather than spin, then go on.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(no_throw);
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), serve(beast::tcp_stream(std::move(socket)), board), asio::detached);
  }
}

}  // namespace

StatusServer::StatusServer(const std::string& bind_address, unsigned short port, const RunBoard& board)
    : serving_(std::make_unique<Serving>()) {
  boost::system::error_code error;
  auto address = asio::ip::make_address(bind_address, error);
  if (error)
    throw std::runtime_error(std::string("the status page's address '")
                                 .append(bind_address)
                                 .append("' is not an IP address (for example 127.0.0.1, 0.0.0.0 or ::1)"));
  tcp::endpoint wanted(address, port);
  tcp::acceptor& acceptor = serving_->acceptor;
  acceptor.open(wanted.protocol(), error);
  if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor.bind(wanted, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (!error) serving_->endpoint = acceptor.local_endpoint(error);
  if (error)
    throw std::runtime_error(
        std::string("cannot listen on ").append(host_and_port(wanted)).append(": ").append(error.message()));

  asio::co_spawn(serving_->io, accept_connections(acceptor, board), asio::detached);
  // The server's thread blocks every signal, so that Ctrl-C and SIGTERM go to the thread that
  // supervises the run (and interrupt its poll).
  sigset_t all, before;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &before);
  try {
    serving_->thread = std::thread([&io = serving_->io] {
      while (true) {
        try {
          io.run();
          return;
        } catch (...) {
          // A connection that throws just ends (co_spawn's detached); anything else that
          // throws out of a handler must not stop the server either.
        }
      }
    });
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &before, nullptr);
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

StatusServer::~StatusServer() {
  serving_->io.stop();
  if (serving_->thread.joinable()) serving_->thread.join();
}

void StatusServer::run_paused(const std::function<void()>& action) {
  struct Park {
    std::mutex mutex;
    std::condition_variable changed;
    bool parked = false;
    bool released = false;
  };
  auto park = std::make_shared<Park>();
  asio::post(serving_->io, [park] {
    std::unique_lock lock(park->mutex);
    park->parked = true;
    park->changed.notify_all();
    park->changed.wait(lock, [&] { return park->released; });
  });
  {
    std::unique_lock lock(park->mutex);
    park->changed.wait_for(lock, std::chrono::seconds(1), [&] { return park->parked; });
  }
  action();
  {
    std::lock_guard lock(park->mutex);
    park->released = true;
  }
  park->changed.notify_all();
}

unsigned short StatusServer::port() const { return serving_->endpoint.port(); }

bool start_status_page(std::optional<StatusServer>& server, const std::string& bind_address, int port,
                       const RunBoard& board, const std::string& command) {
  if (port < 0) return true;
  try {
    server.emplace(bind_address, static_cast<unsigned short>(port), board);
  } catch (const std::exception& error) {
    std::cerr << "pipectl " << command << ": --status-port: " << error.what() << '\n';
    return false;
  }
  std::cout << "status page: " << server->url() << std::endl;
  return true;
}

std::string StatusServer::url() const {
  tcp::endpoint shown = serving_->endpoint;
  if (shown.address().is_unspecified())
    shown.address(shown.address().is_v6() ? asio::ip::address(asio::ip::address_v6::loopback())
                                          : asio::ip::address(asio::ip::address_v4::loopback()));
  return std::string("http://").append(host_and_port(shown)).append("/");
}

}  // namespace pipectl::cli

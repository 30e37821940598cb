// Opens the listening socket and the TLS context, then accepts connections.
#include "listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sstream>
#include <stdexcept>

#include "connection.hpp"

namespace fake_x_api {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, asio::ssl::context* tls, Api& api) {
  long connections = 0;
  while (true) {
    auto [error, socket] = co_await acceptor.async_accept(no_throw);
    if (error == asio::error::operation_aborted) co_return;
    if (error) {
      // Out of file descriptors, say: wait a little rather than spin, then go on.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(no_throw);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    ++connections;
    if (tls)
      asio::co_spawn(acceptor.get_executor(), serve_tls(std::move(socket), *tls, api, connections), asio::detached);
    else
      asio::co_spawn(acceptor.get_executor(), serve_plain(std::move(socket), api, connections), asio::detached);
  }
}

asio::ssl::context tls_context(const TlsFiles& files) {
  asio::ssl::context context(asio::ssl::context::tls_server);
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  boost::system::error_code error;
  context.use_certificate_chain_file(files.certificate_chain.string(), error);
  if (error)
    throw std::runtime_error(std::string("cannot use the certificate ")
                                 .append(files.certificate_chain.string())
                                 .append(": ")
                                 .append(error.message()));
  context.use_private_key_file(files.private_key.string(), asio::ssl::context::pem, error);
  if (error)
    throw std::runtime_error(std::string("cannot use the private key ")
                                 .append(files.private_key.string())
                                 .append(": ")
                                 .append(error.message()));
  return context;
}

}  // namespace

Listener::Listener(asio::io_context& io, const std::string& bind_address, unsigned short port,
                   const std::optional<TlsFiles>& tls)
    : acceptor_(io) {
  if (tls) tls_.emplace(tls_context(*tls));
  boost::system::error_code error;
  auto address = asio::ip::make_address(bind_address, error);
  if (error)
    throw std::runtime_error(std::string("--bind '").append(bind_address).append("' is not an IP address (say 127.0.0.1)"));
  tcp::endpoint wanted(address, port);
  acceptor_.open(wanted.protocol(), error);
  if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor_.bind(wanted, error);
  if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    std::ostringstream where;
    where << wanted;
    throw std::runtime_error(std::string("cannot listen on ").append(where.str()).append(": ").append(error.message()));
  }
}

std::string Listener::base_url() const {
  tcp::endpoint shown = acceptor_.local_endpoint();
  if (shown.address().is_unspecified())
    shown.address(shown.address().is_v6() ? asio::ip::address(asio::ip::address_v6::loopback())
                                          : asio::ip::address(asio::ip::address_v4::loopback()));
  std::ostringstream url;
  url << (tls_ ? "https://" : "http://") << shown;  // "127.0.0.1:8080", "[::1]:8080"
  return url.str();
}

void Listener::start(Api& api) {
  asio::co_spawn(acceptor_.get_executor(), accept_connections(acceptor_, tls_ ? &*tls_ : nullptr, api), asio::detached);
}

}  // namespace fake_x_api

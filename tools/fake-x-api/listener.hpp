// The listening socket (plain or TLS) and the loop that accepts clients, each served by a
// coroutine of its own on the one io_context thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <optional>
#include <string>

#include "api.hpp"

namespace fake_x_api {

struct TlsFiles {
  std::filesystem::path certificate_chain;  // PEM
  std::filesystem::path private_key;        // PEM
};

class Listener {
 public:
  // Binds and listens at once, so the port is known before serving starts. Throws
  // std::runtime_error naming the address or the file that is wrong.
  Listener(boost::asio::io_context& io, const std::string& bind_address, unsigned short port,
           const std::optional<TlsFiles>& tls);

  // "http://127.0.0.1:PORT" or "https://...": the address clients use (loopback when bound
  // to every address).
  std::string base_url() const;

  // Accepts connections until the io_context stops; `api` must outlive it.
  void start(Api& api);

 private:
  boost::asio::ip::tcp::acceptor acceptor_;
  std::optional<boost::asio::ssl::context> tls_;
};

}  // namespace fake_x_api

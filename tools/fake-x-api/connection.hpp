// One client connection: requests read with Boost.Beast (keep-alive), answers written as raw
// bytes so that a fault can stop anywhere: before the headers, in the middle of the body.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "api.hpp"

namespace fake_x_api {

// `id` numbers the connection in the request log.
boost::asio::awaitable<void> serve_plain(boost::asio::ip::tcp::socket socket, Api& api, long id);
boost::asio::awaitable<void> serve_tls(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls, Api& api,
                                       long id);

}  // namespace fake_x_api

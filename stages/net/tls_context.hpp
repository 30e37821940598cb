// TLS for the HTTP client: the settings every https connection of a client shares (TLS 1.2 or
// later, the peer's chain verified against the system's trust store or a given CA file), what
// each connection adds (SNI, host name verification), and readable reasons for a failed handshake.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <string>

namespace pipectl::net::detail {

// Throws std::runtime_error when `ca_file` (PEM; empty: the system's store) cannot be loaded.
boost::asio::ssl::context make_tls_context(const std::string& ca_file);

// Sets SNI (for host names, not addresses: RFC 6066) and the check that the certificate is for
// `host`, on one connection before its handshake. Throws std::runtime_error if OpenSSL refuses.
template <class SslStream>
void prepare_tls_stream(SslStream& stream, const std::string& host);

// Why a handshake failed, in words: the certificate's verification result when there is one.
std::string describe_handshake_failure(SSL* ssl, const boost::system::error_code& error);

// The part of prepare_tls_stream that does not depend on the stream type.
bool is_ip_address(const std::string& host);
int verify_host(bool preverified, X509_STORE_CTX* context, const std::string& host);

template <class SslStream>
void prepare_tls_stream(SslStream& stream, const std::string& host) {
  if (!is_ip_address(host) && SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()) != 1)
    throw std::runtime_error("cannot set the TLS server name");
  stream.set_verify_mode(boost::asio::ssl::verify_peer);
  stream.set_verify_callback([host](bool preverified, boost::asio::ssl::verify_context& context) {
    return verify_host(preverified, context.native_handle(), host) == 1;
  });
}

}  // namespace pipectl::net::detail

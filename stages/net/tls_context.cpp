#include "tls_context.hpp"

#include <openssl/x509_vfy.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <stdexcept>

namespace pipectl::net::detail {

namespace ssl = boost::asio::ssl;

ssl::context make_tls_context(const std::string& ca_file) {
  ssl::context context(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  context.set_verify_mode(ssl::verify_peer);
  boost::system::error_code error;
  if (ca_file.empty()) context.set_default_verify_paths(error);
  else context.load_verify_file(ca_file, error);
  if (error) {
    std::string message = ca_file.empty() ? std::string("cannot use the system's certificate store")
                                          : std::string("cannot load the CA file ").append(ca_file);
    throw std::runtime_error(message.append(": ").append(error.message()));
  }
  return context;
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code error;
  boost::asio::ip::make_address(host, error);
  return !error;
}

int verify_host(bool preverified, X509_STORE_CTX* context, const std::string& host) {
  ssl::verify_context wrapped(context);
  if (ssl::host_name_verification(host)(preverified, wrapped)) return 1;
  // host_name_verification fails without saying why; record it so the handshake's error
  // (SSL_get_verify_result) names the mismatch rather than an unexplained refusal.
  if (preverified && X509_STORE_CTX_get_error(context) == X509_V_OK)
    X509_STORE_CTX_set_error(context,
                             is_ip_address(host) ? X509_V_ERR_IP_ADDRESS_MISMATCH : X509_V_ERR_HOSTNAME_MISMATCH);
  return 0;
}

std::string describe_handshake_failure(SSL* ssl, const boost::system::error_code& error) {
  long result = SSL_get_verify_result(ssl);
  if (result != X509_V_OK) {
    std::string text = "the server's certificate was refused: ";
    return text.append(X509_verify_cert_error_string(result));
  }
  std::string text = "the TLS handshake failed: ";
  return text.append(error.message());
}

}  // namespace pipectl::net::detail

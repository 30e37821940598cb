// Hashes the fleet's clients share (OpenSSL): lower-case hex, SHA-256 whole or piece by piece.
// A queued job's graph hash, S3's x-amz-content-sha256, the notification's HMAC all use them.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace pipectl::cli {

// Lower-case hex of `size` bytes.
std::string lower_hex(const unsigned char* bytes, std::size_t size);

// SHA-256 fed piece by piece (a file's range as it is read).
class Sha256 {
 public:
  Sha256();  // throws std::runtime_error when OpenSSL has no SHA-256
  void add(const void* data, std::size_t size);
  std::string hex();  // the digest in lower-case hex; call once

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

// Lower-case hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

// libcurl's global set-up, once per process (curl_global_init is not thread-safe).
void init_curl_once();

}  // namespace pipectl::cli

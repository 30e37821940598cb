// Throwaway TLS certificates for tests, made at test time with the openssl command (Debian
// package openssl): a certificate authority, and server certificates it signs for given names.
#pragma once

#include <filesystem>
#include <string>

namespace pipectl::test {

struct TestCertificateAuthority {
  std::filesystem::path certificate;  // PEM: give it to a client as its CA file
  std::filesystem::path private_key;
};

struct TestServerCertificate {
  std::filesystem::path certificate;  // PEM, signed by the authority
  std::filesystem::path private_key;
};

// A new CA in `folder` (ca.pem, ca.key), valid for two days. Throws when openssl fails, with
// its output: TLS tests must not pass by skipping.
TestCertificateAuthority make_test_authority(const std::filesystem::path& folder);

// A server certificate `<name>.pem` / `<name>.key` in `folder`, signed by `authority`, for
// `subject_alt_names` in openssl's syntax ("IP:127.0.0.1,DNS:localhost").
TestServerCertificate make_server_certificate(const TestCertificateAuthority& authority,
                                              const std::filesystem::path& folder, const std::string& name,
                                              const std::string& subject_alt_names);

}  // namespace pipectl::test

#include "test_certificates.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "paths.hpp"

namespace pipectl::test {

namespace {

void openssl(const std::string& arguments) {
  const std::string command = std::string("openssl ").append(arguments);
  auto result = run_command(command);
  if (result.exit_code != 0)
    throw std::runtime_error(std::string(command)
                                 .append(" failed (is the openssl package installed? tools/setup "
                                         "installs it): ")
                                 .append(result.output));
}

std::string quoted(const std::filesystem::path& path) { return shell_quote(path.string()); }

}  // namespace

TestCertificateAuthority make_test_authority(const std::filesystem::path& folder) {
  TestCertificateAuthority authority{folder / "ca.pem", folder / "ca.key"};
  // EC keys: generated in milliseconds, unlike RSA.
  std::ostringstream arguments;
  arguments << "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj '/CN=pipectl test CA'"
            << " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign"
            << " -keyout " << quoted(authority.private_key) << " -out " << quoted(authority.certificate);
  openssl(arguments.str());
  return authority;
}

TestServerCertificate make_server_certificate(const TestCertificateAuthority& authority,
                                              const std::filesystem::path& folder, const std::string& name,
                                              const std::string& subject_alt_names) {
  TestServerCertificate server{folder / (name + ".pem"), folder / (name + ".key")};
  auto request = folder / (name + ".csr");
  auto extensions = folder / (name + ".ext");
  std::ofstream(extensions) << "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName="
                            << subject_alt_names << "\n";
  std::ostringstream key;
  key << "req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=" << name << "'"
      << " -keyout " << quoted(server.private_key) << " -out " << quoted(request);
  openssl(key.str());
  std::ostringstream sign;
  sign << "x509 -req -days 2 -in " << quoted(request) << " -CA " << quoted(authority.certificate) << " -CAkey "
       << quoted(authority.private_key) << " -CAcreateserial -extfile " << quoted(extensions) << " -out "
       << quoted(server.certificate);
  openssl(sign.str());
  return server;
}

}  // namespace pipectl::test

// The HTTP client's response handling (stages/net): the input is what a server answers, byte
// for byte, to the client's GET. A server thread of this process on 127.0.0.1 reads each
// request, writes the current input and closes the connection; HttpClient::get reads it the way
// it reads any server (Beast's parser under the client's limits, then the status, the headers
// joined by name, the body). A redirect's Location is resolved against the URL as the client
// would (redirects are not followed: that could leave the machine).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string_view>
#include <string>
#include <thread>

#include "fuzz_input.hpp"
#include "http_client.hpp"
#include "url.hpp"

namespace {

class ResponseServer {
 public:
  ResponseServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      std::abort();
    port_ = ntohs(address.sin_port);
    std::thread([this] { serve(); }).detach();  // lives as long as the process
  }

  int port() const { return port_; }

  void answer_with(std::string_view response) {
    std::lock_guard lock(mutex_);
    response_.assign(response);
  }

 private:
  void serve() {
    for (;;) {
      const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      // The whole request first (it is small and ends with an empty line): closing with unread
      // bytes would reset the connection before the client reads the answer.
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        const ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        request.append(buffer, static_cast<std::size_t>(got));
      }
      std::string response;
      {
        std::lock_guard lock(mutex_);
        response = response_;
      }
      for (std::size_t sent = 0; sent < response.size();) {
        const ssize_t wrote = ::send(connection, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (wrote <= 0) break;
        sent += static_cast<std::size_t>(wrote);
      }
      ::shutdown(connection, SHUT_WR);
      ::close(connection);
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::mutex mutex_;
  std::string response_;
};

// A throwaway self-signed certificate (CN=pipectl-fuzz, no key kept) as the client's ca_file:
// with none, every client would load the system's whole store, a hundred times slower than
// the request. No TLS is spoken here.
constexpr std::string_view trust_file_pem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBhTCCASugAwIBAgIUINAc/2hhSuI/zdaxDG38OWj69+4wCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMcGlwZWN0bC1mdXp6MCAXDTI2MTIwNDE0NDQ1NVoYDzIxMjYx\n"
    "MTEwMTQ0NDU1WjAXMRUwEwYDVQQDDAxwaXBlY3RsLWZ1enowWTATBgcqhkjOPQIB\n"
    "BggqhkjOPQMBBwNCAARExgzK9kGuLJ8eY/brFt9+nJ8euzKqp3d2XLTk41cpsSBx\n"
    "/UIYOzbAXuupJpkk2ebf0tVj4KZVjkHIXY0hOf/oo1MwUTAdBgNVHQ4EFgQU29K1\n"
    "JYMjNv5m6f5O2K4ZnAbs/TkwHwYDVR0jBBgwFoAU29K1JYMjNv5m6f5O2K4ZnAbs\n"
    "/TkwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAtJXpNtZTumUW\n"
    "bkq5XdoyJ1hI0OcQ6AuKPV0BaJVkVBcCIA/7a6Dr19lO2Za1MIKN7AOfhYtxIspJ\n"
    "qGxfkpznPsPW\n"
    "-----END CERTIFICATE-----\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl::net;
  static ResponseServer server;
  static const pipectl::fuzz::ScratchFolder scratch("http-response");
  static const std::string ca_file = scratch.write("ca.pem", trust_file_pem).string();
  server.answer_with(pipectl::fuzz::as_text(data, size));

  HttpOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.read_timeout = std::chrono::milliseconds(2000);
  options.max_body_bytes = 16 * 1024;  // small, so the body limit is reached often
  options.max_redirects = 0;
  options.ca_file = ca_file;
  // One client per input: a connection kept alive by the last answer must not carry over.
  static const std::string url =
      "http://127.0.0.1:" + std::to_string(server.port()) + "/2/users/1/tweets?max_results=100";
  try {
    HttpClient client(options);
    HttpResponse response = client.get(url, {{"Authorization", "Bearer fuzz"}});
    // A final answer: 1xx are skipped, and a status no HTTP server sends is a protocol error.
    if (response.status < 100 || response.status > 599 || (response.status < 200 && response.status != 101))
      __builtin_trap();
    if (response.body.size() > options.max_body_bytes) __builtin_trap();
    if (auto location = response.headers.find("location"); location != response.headers.end()) {
      auto base = parse_url(url);
      if (auto next = resolve_location(*base, location->second)) {
        // A URL the client would send must parse again to itself.
        auto again = parse_url(next->text());
        if (!again || again->text() != next->text()) __builtin_trap();
        (void)url_for_messages(next->text());
      }
    }
  } catch (const HttpError& error) {
    (void)is_transient(error.kind);
  }
  return 0;
}

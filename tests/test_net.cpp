// The net module against a real server on 127.0.0.1 (support/loopback_server): answers passed
// through, every network fault mapped to its error kind within its deadline, the body cap, the
// redirect rules, kept-alive connections, TLS verified with a throwaway CA made by the openssl
// command; and the pure parts: URL parsing and encoding, backoff.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <thread>

#include "backoff.hpp"
#include "http_client.hpp"
#include "support/loopback_server.hpp"
#include "support/paths.hpp"
#include "support/test_certificates.hpp"
#include "url.hpp"

using namespace pipectl;
using namespace std::chrono_literals;
using test::LoopbackReply;
using test::LoopbackRequest;
using test::LoopbackServer;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The error a call fails with; fails the test when it does not fail.
net::HttpError failure_of(net::HttpClient& client, const std::string& url,
                          const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  try {
    auto response = client.get(url, headers);
    FAIL("expected an HttpError, got HTTP " << response.status << " with " << response.body.size() << " bytes");
  } catch (const net::HttpError& error) {
    return error;
  }
  throw std::logic_error("unreachable");
}

LoopbackReply ok(std::string body) { return test::reply_with(200, std::move(body)); }

}  // namespace

TEST_CASE("a 200 answer gives its status, headers and body; the request carries our headers", "[net]") {
  LoopbackRequest seen;
  LoopbackServer server([&](const LoopbackRequest& request) {
    seen = request;
    LoopbackReply reply = ok("hello, pipectl");
    reply.headers = {{"X-Answer", "42"}, {"Content-Type", "text/plain"}, {"X-Twice", "a"}, {"X-Twice", "b"}};
    return reply;
  });
  net::HttpClient client;
  auto response = client.get(server.url("/path/to?q=1&r=two"), {{"Authorization", "Bearer s3cret"}});
  CHECK(response.status == 200);
  CHECK(response.body == "hello, pipectl");
  CHECK(response.headers.at("x-answer") == "42");
  CHECK(response.headers.at("content-type") == "text/plain");
  CHECK(response.headers.at("x-twice") == "a, b");
  CHECK(response.url == server.url("/path/to?q=1&r=two"));
  CHECK(seen.method == "GET");
  CHECK(seen.target == "/path/to?q=1&r=two");
  CHECK(seen.headers.at("authorization") == "Bearer s3cret");
  CHECK(seen.headers.at("user-agent") == "pipectl/0.1");
  CHECK(seen.headers.at("host") == std::string("127.0.0.1:") + std::to_string(server.port()));
}

TEST_CASE("4xx and 5xx answers are passed through, not thrown", "[net]") {
  LoopbackServer server([](const LoopbackRequest& request) {
    return test::reply_with(request.target == "/missing" ? 404 : 503, "nope");
  });
  net::HttpClient client;
  auto missing = client.get(server.url("/missing"));
  CHECK(missing.status == 404);
  CHECK(missing.body == "nope");
  CHECK(client.get(server.url("/busy")).status == 503);
}

TEST_CASE("kept-alive connections are reused, and replaced when the server closed them", "[net]") {
  LoopbackServer server([](const LoopbackRequest& request) {
    LoopbackReply reply = ok(std::string("body of ") + request.target);
    reply.close_silently = request.target == "/then-close";
    return reply;
  });
  net::HttpClient client;
  CHECK(client.get(server.url("/a")).body == "body of /a");
  CHECK(client.get(server.url("/b")).body == "body of /b");
  CHECK(server.connections() == 1);
  // The server says keep-alive but closes: the next request finds the connection dead before any
  // answer, and goes again on a new one without the caller noticing.
  CHECK(client.get(server.url("/then-close")).body == "body of /then-close");
  CHECK(client.get(server.url("/c")).body == "body of /c");
  CHECK(server.connections() == 2);
  CHECK(server.requests() == 4);
}

TEST_CASE("a server slower than read_timeout fails with timeout, on time", "[net]") {
  LoopbackServer server([](const LoopbackRequest& request) {
    LoopbackReply reply = ok(std::string(1000, 'a'));
    if (request.target == "/slow") reply.delay = 3s;
    else reply.pause_after_headers = 3s;  // the header comes at once, the body does not
    return reply;
  });
  net::HttpOptions options;
  options.read_timeout = 300ms;
  net::HttpClient client(options);
  for (const char* path : {"/slow", "/stalls-mid-response"}) {
    INFO(path);
    auto start = Clock::now();
    auto error = failure_of(client, server.url(path));
    CHECK(error.kind == net::HttpErrorKind::timeout);
    CHECK_THAT(error.what(), Catch::Contains("within 300 ms"));
    CHECK(seconds_since(start) < 2.0);
  }
}

TEST_CASE("a refused port is a connect error, and messages show neither the query nor header values", "[net]") {
  auto port = test::unused_loopback_port();
  net::HttpClient client;
  std::string url = std::string("http://127.0.0.1:") + std::to_string(port) + "/2/users?token=QUERYSECRET";
  auto error = failure_of(client, url, {{"Authorization", "Bearer HEADERSECRET"}});
  CHECK(error.kind == net::HttpErrorKind::connect);
  CHECK(net::is_transient(error.kind));
  std::string message = error.what();
  CHECK_THAT(message, Catch::StartsWith(std::string("GET http://127.0.0.1:") + std::to_string(port) +
                                        "/2/users: cannot connect"));
  CHECK(message.find("QUERYSECRET") == std::string::npos);
  CHECK(message.find("HEADERSECRET") == std::string::npos);
  CHECK(message.find('?') == std::string::npos);
}

TEST_CASE("bad URLs and header values that would split the request are refused", "[net]") {
  net::HttpClient client;
  for (const char* url : {"ftp://example.test/", "http://", "http://user:pw@127.0.0.1/", "http://127.0.0.1/a b",
                          "http://127.0.0.1:99999/", "127.0.0.1/path"}) {
    INFO(url);
    CHECK(failure_of(client, url).kind == net::HttpErrorKind::bad_url);
  }
  CHECK(std::string(failure_of(client, "http://user:pw@127.0.0.1/").what()).find("pw") == std::string::npos);
  CHECK_THROWS_AS(client.get("http://127.0.0.1:1/", {{"X-Evil", "a\r\nHost: other"}}), std::invalid_argument);
  CHECK_THROWS_WITH(client.get("http://127.0.0.1:1/", {{"X-Evil", "SECRET\r\n"}}), !Catch::Contains("SECRET"));
  CHECK_THROWS_AS(client.get("http://127.0.0.1:1/", {{"Bad Name", "x"}}), std::invalid_argument);
}

TEST_CASE("a body over max_body_bytes fails with too_large, without being read", "[net]") {
  LoopbackServer server([](const LoopbackRequest& request) {
    LoopbackReply reply;
    if (request.target == "/declared") reply.flood = LoopbackReply::Flood::with_length;
    else if (request.target == "/chunked") reply.flood = LoopbackReply::Flood::chunked;
    else reply.body = std::string(2000, 'b');
    return reply;
  });
  net::HttpOptions options;
  options.max_body_bytes = 1 << 20;
  net::HttpClient client(options);
  CHECK(client.get(server.url("/small")).body.size() == 2000);
  for (const char* path : {"/declared", "/chunked"}) {
    INFO(path);
    auto start = Clock::now();
    auto error = failure_of(client, server.url(path));
    CHECK(error.kind == net::HttpErrorKind::too_large);
    CHECK_THAT(error.what(), Catch::Contains("larger than the limit of 1048576 bytes"));
    CHECK(seconds_since(start) < 5.0);
  }
  // The server sent without end; the client stopped after about a megabyte (plus what the
  // sockets buffer), not the terabyte announced.
  CHECK(server.flood_bytes() < 64u << 20);
  options.max_body_bytes = 1000;
  net::HttpClient tiny(options);
  CHECK(failure_of(tiny, server.url("/small")).kind == net::HttpErrorKind::too_large);
}

// Answers one request on 127.0.0.1 with `bytes` as they are (what LoopbackServer cannot send:
// several answers at once, any status line), then closes. The URL to ask is url().
class RawAnswer {
 public:
  explicit RawAnswer(std::string bytes) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) == 0);
    REQUIRE(::listen(listener_, 1) == 0);
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, bytes = std::move(bytes)] {
      const int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) return;
      std::string request;
      char buffer[1024];
      ssize_t got = 0;
      while (request.find("\r\n\r\n") == std::string::npos && (got = ::recv(connection, buffer, sizeof buffer, 0)) > 0)
        request.append(buffer, static_cast<std::size_t>(got));
      (void)!::send(connection, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      ::shutdown(connection, SHUT_WR);
      ::close(connection);
    });
  }
  ~RawAnswer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/raw"; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST_CASE("interim 1xx answers are skipped; a status outside 100-599 is a protocol error", "[net][fuzz]") {
  // tests/fuzz/corpus/http-response/status-1xx and status-000: the client returned the 100
  // itself (its body unread), and a status of 0.
  {
    RawAnswer server("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                     "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    net::HttpClient client;
    auto response = client.get(server.url());
    CHECK(response.status == 200);
    CHECK(response.body == "ok");
    CHECK(response.headers.count("link") == 0);
  }
  for (const char* status : {"000 Zero", "099 Low", "600 High", "999 Whatever"}) {
    INFO(status);
    RawAnswer server(std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 0\r\n\r\n");
    net::HttpClient client;
    auto error = failure_of(client, server.url());
    CHECK(error.kind == net::HttpErrorKind::protocol);
    CHECK_THAT(error.what(), Catch::Contains("not HTTP's"));
  }
}

TEST_CASE("a connection dropped mid-body is an error, never a short success", "[net]") {
  LoopbackServer server([](const LoopbackRequest&) {
    LoopbackReply reply = ok(std::string(100000, 'c'));
    reply.cut_after = 40000;
    return reply;
  });
  net::HttpClient client;
  auto error = failure_of(client, server.url("/cut"));
  CHECK(error.kind == net::HttpErrorKind::closed);
  CHECK(net::is_transient(error.kind));
}

TEST_CASE("redirects are followed up to the limit, keeping credentials on their origin", "[net]") {
  std::vector<LoopbackRequest> seen;
  LoopbackServer server([&](const LoopbackRequest& request) {
    seen.push_back(request);
    const std::string& path = request.target;
    if (path.starts_with("/hop/")) {  // /hop/N redirects to /hop/N-1, /hop/0 to /final
      int n = std::stoi(path.substr(5));
      std::string next = n == 0 ? "/final" : std::string("/hop/") + std::to_string(n - 1);
      return test::redirect_to(n % 2 ? 301 : 307, next);
    }
    if (path == "/not-http") return test::redirect_to(302, "ftp://example.test/x?k=1");
    if (path == "/no-location") return test::reply_with(302, "moved, somewhere");
    return ok("final body");
  });
  net::HttpClient client;
  auto response = client.get(server.url("/hop/2"), {{"Authorization", "Bearer t"}});
  CHECK(response.status == 200);
  CHECK(response.body == "final body");
  CHECK(response.url == server.url("/final"));
  REQUIRE(seen.size() == 4);  // /hop/2, /hop/1, /hop/0, /final: three redirects
  for (const auto& request : seen) CHECK(request.headers.count("authorization") == 1);

  auto error = failure_of(client, server.url("/hop/3?secret=1"));
  CHECK(error.kind == net::HttpErrorKind::redirect);
  CHECK_THAT(error.what(), Catch::Equals(std::string("GET ") + server.url("/hop/3: more than 3 redirects")));
  CHECK(std::string(error.what()).find("secret") == std::string::npos);

  CHECK(failure_of(client, server.url("/not-http")).kind == net::HttpErrorKind::redirect);
  CHECK(client.get(server.url("/no-location")).status == 302);

  net::HttpOptions no_follow;
  no_follow.max_redirects = 0;
  net::HttpClient literal(no_follow);
  auto redirect = literal.get(server.url("/hop/0"));
  CHECK(redirect.status == 307);
  CHECK(redirect.headers.at("location") == "/final");
}

TEST_CASE("a redirect to another origin does not carry the extra headers", "[net]") {
  std::vector<LoopbackRequest> seen;
  std::string other_origin;
  LoopbackServer server([&](const LoopbackRequest& request) {
    seen.push_back(request);
    if (request.target == "/start") return test::redirect_to(302, other_origin);
    return ok("there");
  });
  // The same server under another name: another origin as far as the client can tell.
  other_origin = server.url("/there", "localhost");
  net::HttpClient client;
  auto response = client.get(server.url("/start"), {{"Authorization", "Bearer t"}});
  CHECK(response.body == "there");
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].headers.count("authorization") == 1);
  CHECK(seen[1].headers.count("authorization") == 0);
  CHECK(seen[1].headers.at("host") == std::string("localhost:") + std::to_string(server.port()));
}

TEST_CASE("TLS: the chain and the host name are verified, SNI is sent", "[net][tls]") {
  test::TempDir folder;
  auto authority = test::make_test_authority(folder.path());
  auto good = test::make_server_certificate(authority, folder.path(), "loopback", "IP:127.0.0.1,DNS:localhost");
  auto wrong_name = test::make_server_certificate(authority, folder.path(), "example", "DNS:example.test");

  LoopbackServer server([](const LoopbackRequest& request) { return ok(std::string("secret ") + request.target); },
                        LoopbackServer::TlsFiles{good.certificate.string(), good.private_key.string()});
  net::HttpOptions trusting;
  trusting.ca_file = authority.certificate.string();
  net::HttpClient client(trusting);
  CHECK(server.url("/x").starts_with("https://"));
  CHECK(client.get(server.url("/x")).body == "secret /x");
  CHECK(client.get(server.url("/y", "localhost")).body == "secret /y");  // by name: SNI and a DNS name

  SECTION("without the CA (the system's store) the certificate is refused") {
    net::HttpClient system_store;
    auto error = failure_of(system_store, server.url("/x"));
    CHECK(error.kind == net::HttpErrorKind::tls);
    CHECK_FALSE(net::is_transient(error.kind));
    CHECK_THAT(error.what(), Catch::Contains("certificate"));
  }
  SECTION("a certificate for another host is refused, though its CA is trusted") {
    LoopbackServer impostor([](const LoopbackRequest&) { return ok("impostor"); },
                            LoopbackServer::TlsFiles{wrong_name.certificate.string(), wrong_name.private_key.string()});
    auto error = failure_of(client, impostor.url("/x"));
    CHECK(error.kind == net::HttpErrorKind::tls);
    CHECK_THAT(error.what(), Catch::Contains("mismatch"));
    CHECK(failure_of(client, impostor.url("/x", "localhost")).kind == net::HttpErrorKind::tls);
  }
  SECTION("a redirect from https to http is refused") {
    LoopbackServer plain([](const LoopbackRequest&) { return ok("plain"); });
    LoopbackServer downgrading([&](const LoopbackRequest&) { return test::redirect_to(302, plain.url("/downgraded")); },
                               LoopbackServer::TlsFiles{good.certificate.string(), good.private_key.string()});
    auto error = failure_of(client, downgrading.url("/x"));
    CHECK(error.kind == net::HttpErrorKind::redirect);
    CHECK_THAT(error.what(), Catch::Contains("from https to http"));
    CHECK(plain.requests() == 0);
  }
  SECTION("a CA file that cannot be read fails at once") {
    net::HttpOptions missing;
    missing.ca_file = (folder.path() / "nope.pem").string();
    CHECK_THROWS_AS(net::HttpClient(missing), net::HttpError);
  }
}

TEST_CASE("URLs are parsed, encoded and shown without their query", "[net][url]") {
  auto url = net::parse_url("HTTPS://Api.X.com/2/users/by/username/orbit_daily?user.fields=id,name#frag");
  REQUIRE(url);
  CHECK(url->scheme == "https");
  CHECK(url->host == "api.x.com");
  CHECK(url->port == 443);
  CHECK(url->path == "/2/users/by/username/orbit_daily");
  CHECK(url->query == "user.fields=id,name");
  CHECK(url->target() == "/2/users/by/username/orbit_daily?user.fields=id,name");
  CHECK(url->authority() == "api.x.com");

  auto local = net::parse_url("http://127.0.0.1:8080");
  REQUIRE(local);
  CHECK(local->port == 8080);
  CHECK(local->path == "/");
  CHECK(local->authority() == "127.0.0.1:8080");
  CHECK(local->text() == "http://127.0.0.1:8080/");

  auto v6 = net::parse_url("http://[::1]:9000/a?b");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->authority() == "[::1]:9000");

  for (const char* bad : {"", "http:/x", "mailto:a@b", "http://a:b@host/", "http://host:0/", "http://host:/",
                          "http://ho st/", "http://host/\r\nX: y", "http://[::1/", "http://hóst/", "https:///path"}) {
    INFO(bad);
    CHECK_FALSE(net::parse_url(bad));
  }

  CHECK(net::url_encode("from:orbit_daily since:2026-11-24T00:00:00Z") ==
        "from%3Aorbit_daily%20since%3A2026-11-24T00%3A00%3A00Z");
  CHECK(net::url_encode("a.b_c-d~e") == "a.b_c-d~e");
  CHECK(net::url_encode("é&=+/?") == "%C3%A9%26%3D%2B%2F%3F");

  CHECK(net::url_for_messages("https://api.x.com/2/tweets?ids=1&token=abc") == "https://api.x.com/2/tweets");
  CHECK(net::url_for_messages("https://user:pw@host/x?y#z") == "https://host/x");
  CHECK(net::url_for_messages("file:///tmp/a.png") == "file:///tmp/a.png");

  auto base = *net::parse_url("https://pbs.twimg.com/media/a/b.jpg?name=small");
  CHECK(net::resolve_location(base, "https://cdn.test/x")->text() == "https://cdn.test/x");
  CHECK(net::resolve_location(base, "//cdn.test/y")->text() == "https://cdn.test/y");
  CHECK(net::resolve_location(base, "/z?q=1")->text() == "https://pbs.twimg.com/z?q=1");
  CHECK(net::resolve_location(base, "c.png")->text() == "https://pbs.twimg.com/media/a/c.png");
  CHECK_FALSE(net::resolve_location(base, "ftp://cdn.test/x"));
  CHECK_FALSE(net::resolve_location(base, ""));
}

TEST_CASE("backoff waits grow exponentially up to the cap, with full jitter, reproducibly", "[net][backoff]") {
  net::Backoff backoff{.base = 500ms, .cap = 8000ms, .max_attempts = 6};
  CHECK(backoff.ceiling(0) == 0ms);
  CHECK(backoff.ceiling(1) == 500ms);
  CHECK(backoff.ceiling(2) == 1000ms);
  CHECK(backoff.ceiling(4) == 4000ms);
  CHECK(backoff.ceiling(5) == 8000ms);
  CHECK(backoff.ceiling(6) == 8000ms);
  CHECK(backoff.ceiling(1000) == 8000ms);  // no overflow
  CHECK(backoff.may_retry(1));
  CHECK(backoff.may_retry(5));
  CHECK_FALSE(backoff.may_retry(6));
  CHECK_FALSE(backoff.may_retry(0));

  std::mt19937 random(42);
  for (int attempt = 1; attempt <= 8; ++attempt) {
    std::chrono::milliseconds least = backoff.ceiling(attempt), most{0};
    for (int i = 0; i < 2000; ++i) {
      auto wait = backoff.delay(attempt, random);
      least = std::min(least, wait);
      most = std::max(most, wait);
    }
    INFO("attempt " << attempt);
    CHECK(least >= 0ms);
    CHECK(most <= backoff.ceiling(attempt));
    // Full jitter: the waits spread over the whole range.
    CHECK(least < backoff.ceiling(attempt) / 10);
    CHECK(most > backoff.ceiling(attempt) * 9 / 10);
  }
  std::mt19937 first(7), second(7);
  for (int attempt = 1; attempt <= 6; ++attempt) CHECK(backoff.delay(attempt, first) == backoff.delay(attempt, second));
}

TEST_CASE("a request stops soon after cancelled() turns true, waiting for headers or for the body", "[net][cancel]") {
  LoopbackServer server([](const LoopbackRequest& request) {
    LoopbackReply reply = ok(std::string(1000, 'a'));
    if (request.target == "/slow") reply.delay = 20s;
    else reply.pause_after_headers = 20s;
    return reply;
  });
  std::atomic<bool> stop{false};
  net::HttpOptions options;
  options.read_timeout = 30s;
  options.cancelled = [&] { return stop.load(); };
  net::HttpClient client(options);
  for (const char* path : {"/slow", "/stalls-mid-response"}) {
    INFO(path);
    stop = false;
    std::thread stopper([&] {
      std::this_thread::sleep_for(300ms);
      stop = true;
    });
    auto start = Clock::now();
    auto error = failure_of(client, server.url(path));
    stopper.join();
    CHECK(error.kind == net::HttpErrorKind::cancelled);
    CHECK_FALSE(net::is_transient(error.kind));  // never retried
    CHECK_THAT(error.what(), Catch::Contains("stopped"));
    // 300 ms until the flag, then at most one 50 ms step and the unwinding.
    CHECK(seconds_since(start) < 1.0);
  }
  // The client is usable again once the flag is down (the cancelled connection was not kept).
  stop = false;
  LoopbackServer quick([](const LoopbackRequest&) { return ok("fine"); });
  CHECK(client.get(quick.url("/")).body == "fine");
}

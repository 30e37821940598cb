// Caller notification (tools/pipectl/notifier): signed JSON POSTs to a real HTTP server on
// loopback that fails on demand. Signatures are checked against the openssl command, not
// against notify_signature; that one is checked against RFC 4231.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "notifier.hpp"
#include "support/loopback_server.hpp"
#include "support/paths.hpp"

using namespace pipectl;
using namespace std::chrono_literals;
using cli::NotifyOutcome;

namespace {

// A made-up secret; it must never show in an outcome.
const std::string test_secret = "s3cret-for-the-notify-test-7f1c";

cli::NotifySettings quick_settings(std::string secret = test_secret, int max_attempts = 5) {
  cli::NotifySettings settings;
  settings.secret = std::move(secret);
  settings.max_attempts = max_attempts;
  settings.backoff_base = 10ms;
  settings.backoff_cap = 50ms;
  settings.timeout = 5000ms;
  return settings;
}

// What the receiver saw and what the notifier reported, each under its own lock (the server
// and the notifier have threads of their own).
class Record {
 public:
  void add(const test::LoopbackRequest& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
  }
  void add(const NotifyOutcome& outcome) {
    std::lock_guard lock(mutex_);
    outcomes_.push_back(outcome);
  }
  std::vector<test::LoopbackRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<NotifyOutcome> outcomes() {
    std::lock_guard lock(mutex_);
    return outcomes_;
  }
  auto on_outcome() {
    return [this](const NotifyOutcome& outcome) { add(outcome); };
  }

 private:
  std::mutex mutex_;
  std::vector<test::LoopbackRequest> requests_;
  std::vector<NotifyOutcome> outcomes_;
};

// "sha256=<hex>" of `body` under `secret`, by the openssl command line.
std::string openssl_signature(const std::string& secret, const std::string& body) {
  test::TempDir folder("pipectl-notify");
  const auto file = folder.path() / "body.json";
  std::ofstream(file, std::ios::binary) << body;
  // -r: "<hex> *<file>", the same on every OpenSSL 3.
  auto result = test::run_command("openssl dgst -sha256 -r -hmac " + test::shell_quote(secret) + " " +
                                  test::shell_quote(file.string()));
  REQUIRE(result.exit_code == 0);
  return "sha256=" + result.output.substr(0, result.output.find(' '));
}

boost::json::object sample_payload(int id) {
  return {{"event", "video-ready"},
          {"id", id},
          {"handle", "caf\xc3\xa9_\xe2\x9c\x93"},  // non-ASCII survives
          {"video", {{"path", "/videos/cafe/2026-11-24.mp4"}, {"bytes", 123456789}}},
          {"quote", "a \"quoted\" line\nand another"}};
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return text;
}

void check_no_secret(const std::vector<NotifyOutcome>& outcomes) {
  for (const auto& outcome : outcomes) {
    CHECK(outcome.error.find(test_secret) == std::string::npos);
    CHECK(outcome.url.find(test_secret) == std::string::npos);
    CHECK(boost::json::serialize(outcome.payload).find(test_secret) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("notify_signature is HMAC-SHA256 in lower-case hex (RFC 4231, test case 2)") {
  CHECK(cli::notify_signature("Jefe", "what do ya want for nothing?") ==
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("a notification is retried after a 503 and a reply cut short, then delivered signed and intact") {
  Record record;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) {
    record.add(request);
    const auto seen = record.requests().size();
    if (seen == 1) return test::reply_with(503, "busy");
    if (seen == 2) {
      auto cut = test::reply_with(200, R"({"received":true})");
      cut.cut_after = 3;  // the connection closes mid-body: a failure though the status was 200
      return cut;
    }
    return test::reply_with(200, R"({"received":true})");
  });
  const auto payload = sample_payload(1);
  {
    cli::Notifier notifier(quick_settings(), record.on_outcome());
    notifier.send(server.url("/hooks/video"), payload);
    REQUIRE(notifier.drain(10s));
  }
  auto outcomes = record.outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].delivered);
  CHECK(outcomes[0].attempts == 3);
  CHECK(outcomes[0].error.empty());
  CHECK(outcomes[0].url == server.url("/hooks/video"));
  CHECK(outcomes[0].payload == payload);
  check_no_secret(outcomes);

  auto requests = record.requests();
  REQUIRE(requests.size() == 3);
  for (const auto& request : requests) {
    CHECK(request.method == "POST");
    CHECK(request.target == "/hooks/video");
    CHECK(request.headers.at("content-type") == "application/json");
    CHECK(request.headers.at("user-agent") == "pipectl/notify");
    REQUIRE(request.headers.count("x-pipectl-signature") == 1);
    CHECK(request.headers.at("x-pipectl-signature") == openssl_signature(test_secret, request.body));
    CHECK(boost::json::parse(request.body) == payload);
  }
}

TEST_CASE("send returns at once while the receiver is slow") {
  Record record;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) {
    record.add(request);
    auto reply = test::reply_with(200);
    if (record.requests().size() == 1) reply.delay = 2s;  // only the first: the test stays short
    return reply;
  });
  cli::Notifier notifier(quick_settings(), record.on_outcome());
  const auto start = std::chrono::steady_clock::now();
  for (int id = 1; id <= 3; ++id) notifier.send(server.url("/slow"), sample_payload(id));
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < 100ms * test::time_scale());
  CHECK(record.outcomes().empty());  // the first is still waiting for its answer
  CHECK(!notifier.drain(100ms));     // a drain limit that passes says so

  REQUIRE(notifier.drain(10s));
  auto outcomes = record.outcomes();
  REQUIRE(outcomes.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(outcomes[static_cast<std::size_t>(i)].delivered);
    CHECK(outcomes[static_cast<std::size_t>(i)].attempts == 1);
    CHECK(outcomes[static_cast<std::size_t>(i)].payload.at("id").as_int64() == i + 1);  // in the order sent
  }
}

TEST_CASE("run_paused parks the thread within a step of a slow POST, and the POST still completes") {
  Record record;
  std::atomic<int> answered{0};
  test::LoopbackServer server([&](const test::LoopbackRequest& request) {
    record.add(request);
    auto reply = test::reply_with(200);
    reply.delay = 1s;  // the POST is in progress while the test forks
    ++answered;
    return reply;
  });
  cli::Notifier notifier(quick_settings(), record.on_outcome());
  notifier.send(server.url("/slow"), sample_payload(1));
  while (record.requests().empty()) std::this_thread::sleep_for(5ms);  // the POST is on its way
  bool ran = false;
  const auto start = std::chrono::steady_clock::now();
  notifier.run_paused([&] {
    ran = true;
    // Parked: a child forked now finds no lock taken; it exits at once, as pipectl's would not.
    pid_t child = fork();
    if (child == 0) _exit(0);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status));
  });
  CHECK(ran);
  CHECK(std::chrono::steady_clock::now() - start < 500ms * test::time_scale());  // not the POST's 1 s
  REQUIRE(notifier.drain(10s));
  auto outcomes = record.outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].delivered);
  CHECK(outcomes[0].attempts == 1);
}

TEST_CASE("a receiver that always fails: given up after max_attempts, with the last error") {
  Record record;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) {
    record.add(request);
    // An answer that echoes the signature and the secret must not reach the outcome.
    auto echo = request.headers.count("x-pipectl-signature") ? request.headers.at("x-pipectl-signature") : "";
    return test::reply_with(record.requests().size() < 3 ? 502 : 500, echo + " " + test_secret);
  });
  {
    cli::Notifier notifier(quick_settings(test_secret, 3), record.on_outcome());
    notifier.send(server.url("/always-fails"), sample_payload(7));
    REQUIRE(notifier.drain(10s));
  }
  auto outcomes = record.outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(!outcomes[0].delivered);
  CHECK(outcomes[0].attempts == 3);
  CHECK(outcomes[0].error == "HTTP 500");  // the last one, not the first (502)
  CHECK(server.requests() == 3);
  check_no_secret(outcomes);
}

TEST_CASE("an unreachable receiver: not delivered, the error names the connection failure") {
  Record record;
  const auto port = test::unused_loopback_port();
  {
    cli::Notifier notifier(quick_settings(test_secret, 2), record.on_outcome());
    notifier.send("http://127.0.0.1:" + std::to_string(port) + "/nobody", sample_payload(3));
    REQUIRE(notifier.drain(10s));
  }
  auto outcomes = record.outcomes();
  REQUIRE(outcomes.size() == 1);
  CHECK(!outcomes[0].delivered);
  CHECK(outcomes[0].attempts == 2);
  INFO(outcomes[0].error);
  CHECK(lower(outcomes[0].error).find("connect") != std::string::npos);
  CHECK(outcomes[0].error.find(std::to_string(port)) != std::string::npos);
  check_no_secret(outcomes);
}

TEST_CASE("without a secret a notification goes unsigned") {
  Record record;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) {
    record.add(request);
    return test::reply_with(204);
  });
  {
    cli::Notifier notifier(quick_settings(""), record.on_outcome());
    notifier.send(server.url("/unsigned"), sample_payload(5));
    REQUIRE(notifier.drain(10s));
  }
  REQUIRE(record.outcomes().size() == 1);
  CHECK(record.outcomes()[0].delivered);
  auto requests = record.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].headers.count("x-pipectl-signature") == 0);
  CHECK(requests[0].headers.at("content-type") == "application/json");
  CHECK(boost::json::parse(requests[0].body) == sample_payload(5));
}

TEST_CASE("the destructor cuts long backoff waits short, and every notification still gets one outcome") {
  Record record;
  test::LoopbackServer server([&](const test::LoopbackRequest& request) {
    record.add(request);
    return test::reply_with(503);
  });
  auto settings = quick_settings(test_secret, 6);
  settings.backoff_base = 60s;  // waits no test could sit through
  settings.backoff_cap = 60s;
  settings.timeout = 300ms;     // the destructor's drain limit
  const auto start = std::chrono::steady_clock::now();
  {
    cli::Notifier notifier(settings, record.on_outcome());
    for (int id = 1; id <= 3; ++id) notifier.send(server.url("/busy"), sample_payload(id));
    // The first is sent (and fails) before the destructor starts its drain.
    for (int tries = 0; tries < 500 && server.requests() == 0; ++tries) std::this_thread::sleep_for(10ms);
  }
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  auto outcomes = record.outcomes();
  REQUIRE(outcomes.size() == 3);
  for (const auto& outcome : outcomes) CHECK(!outcome.delivered);
  // Backoff full jitter may draw a zero wait now and then, so the first may have had a second try.
  CHECK(outcomes[0].attempts >= 1);
  CHECK(outcomes[0].error == "HTTP 503");
  CHECK(outcomes[1].attempts == 0);
  CHECK(!outcomes[1].error.empty());
  check_no_secret(outcomes);
}

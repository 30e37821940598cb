// The job queue's Redis client (tools/pipectl/redis_queue): queue URLs, then a real
// redis-server on a unix socket in a temporary folder (support/redis_server): a consumer
// group's reads, acks, claims of idle entries and touches that prevent them, dead letters,
// the events stream, trimming, and the connection made again across a server restart.
#include <hiredis/hiredis.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "redis_queue.hpp"
#include "support/redis_server.hpp"
#include "support/skip.hpp"

using namespace pipectl;
using namespace pipectl::cli;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

QueueAddress parsed(const std::string& url) {
  std::string problem;
  auto address = parse_queue_url(url, problem);
  INFO(url << ": " << problem);
  REQUIRE(address);
  return *address;
}

std::string problem_with(const std::string& url) {
  std::string problem;
  auto address = parse_queue_url(url, problem);
  INFO(url);
  CHECK_FALSE(address);
  CHECK_FALSE(problem.empty());
  return problem;
}

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// The server, or nothing with the test skipped when redis-server is not installed.
std::unique_ptr<test::RedisServer> start_redis() {
  std::string why;
  if (!test::RedisServer::available(why)) {
    test::skip(why);
    return nullptr;
  }
  return std::make_unique<test::RedisServer>();
}

// A raw command, for what the queue's interface does not do (XDEL). Throws on failure.
void raw_command(const std::filesystem::path& socket_path, const std::vector<std::string>& words) {
  redisContext* context = redisConnectUnix(socket_path.c_str());
  REQUIRE(context);
  REQUIRE(context->err == 0);
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& word : words) {
    argv.push_back(word.c_str());
    lengths.push_back(word.size());
  }
  auto* reply =
      static_cast<redisReply*>(redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  const bool ok = reply && reply->type != REDIS_REPLY_ERROR;
  if (reply) freeReplyObject(reply);
  redisFree(context);
  REQUIRE(ok);
}

}  // namespace

TEST_CASE("queue URLs: the TCP and unix socket forms, shown as written") {
  QueueAddress tcp = parsed("redis://127.0.0.1/jobs");
  CHECK(tcp.host == "127.0.0.1");
  CHECK(tcp.port == 6379);
  CHECK(tcp.socket_path.empty());
  CHECK(tcp.stream == "jobs");
  CHECK(tcp.display() == "redis://127.0.0.1:6379/jobs");

  QueueAddress named = parsed("redis://queue-1.example.org:7000/pipectl:jobs");
  CHECK(named.host == "queue-1.example.org");
  CHECK(named.port == 7000);
  CHECK(named.stream == "pipectl:jobs");

  QueueAddress ipv6 = parsed("redis://[::1]:6380/jobs");
  CHECK(ipv6.host == "::1");
  CHECK(ipv6.port == 6380);
  CHECK(ipv6.display() == "redis://[::1]:6380/jobs");

  QueueAddress local = parsed("unix:///run/redis/redis.sock?stream=jobs");
  CHECK(local.host.empty());
  CHECK(local.socket_path == "/run/redis/redis.sock");
  CHECK(local.stream == "jobs");
  CHECK(local.display() == "unix:///run/redis/redis.sock?stream=jobs");

  for (const auto* address : {&tcp, &named, &ipv6, &local}) {
    QueueAddress again = parsed(address->display());
    CHECK(again.display() == address->display());
  }
}

TEST_CASE("queue URLs: each bad one says what is wrong, never quoting a password") {
  CHECK_THAT(problem_with(""), Catch::Contains("empty"));
  CHECK_THAT(problem_with("localhost:6379"), Catch::Contains("not a queue URL"));
  CHECK_THAT(problem_with("http://127.0.0.1/jobs"), Catch::Contains("unknown scheme \"http\""));
  CHECK_THAT(problem_with("rediss://127.0.0.1/jobs"), Catch::Contains("TLS"));
  CHECK_THAT(problem_with("redis://127.0.0.1"), Catch::Contains("no stream"));
  CHECK_THAT(problem_with("redis://127.0.0.1:6379/"), Catch::Contains("no stream"));
  CHECK_THAT(problem_with("redis:///jobs"), Catch::Contains("no host"));
  CHECK_THAT(problem_with("redis://127.0.0.1:0/jobs"), Catch::Contains("port must be a number from 1 to 65535"));
  CHECK_THAT(problem_with("redis://127.0.0.1:65536/jobs"), Catch::Contains("port must be"));
  CHECK_THAT(problem_with("redis://127.0.0.1:63x9/jobs"), Catch::Contains("port must be"));
  CHECK_THAT(problem_with("redis://127.0.0.1:/jobs"), Catch::Contains("port must be"));
  CHECK_THAT(problem_with("redis://[::1/jobs"), Catch::Contains("closing ]"));
  CHECK_THAT(problem_with("redis://host name/jobs"), Catch::Contains("space"));
  CHECK_THAT(problem_with("redis://127.0.0.1/jobs?db=1"), Catch::Contains("no ?query"));
  CHECK_THAT(problem_with("redis://127.0.0.1/jobs list"), Catch::Contains("space"));
  CHECK_THAT(problem_with("redis://127.0.0.1/jo*bs"), Catch::Contains("stream name may only have"));
  CHECK_THAT(problem_with("unix://redis.sock?stream=jobs"), Catch::Contains("must be absolute"));
  CHECK_THAT(problem_with("unix:///run/redis.sock"), Catch::Contains("no stream"));
  CHECK_THAT(problem_with("unix:///run/redis.sock?stream="), Catch::Contains("no stream"));
  CHECK_THAT(problem_with("unix:///run/redis.sock?stream=a&stream=b"), Catch::Contains("named twice"));
  CHECK_THAT(problem_with("unix:///run/redis.sock?stream=jobs&db=2"), Catch::Contains("unknown parameter \"db\""));
  CHECK_THAT(problem_with("unix:///run/?stream=jobs"), Catch::Contains("folder"));
  CHECK_THAT(problem_with("unix:///" + std::string(120, 'x') + "?stream=jobs"),
             Catch::Contains("longer than 107 bytes"));

  // A password is refused, and the problem does not repeat it, wherever it sits.
  for (const std::string url :
       {"redis://:s3cretpass@127.0.0.1/jobs", "redis://user:s3cretpass@127.0.0.1:6379/jobs",
        "redis://:s3cret/pass@127.0.0.1/jobs", "unix:///run/redis.sock?stream=jobs&password=s3cretpass"}) {
    const std::string problem = problem_with(url);
    INFO(url << ": " << problem);
    CHECK(problem.find("s3cret") == std::string::npos);
    CHECK(problem.find("pass@") == std::string::npos);
  }
  CHECK_THAT(problem_with("redis://:s3cretpass@127.0.0.1/jobs"),
             Catch::Contains("password in the queue URL is not supported"));
}

TEST_CASE("no queue there: the constructor fails at once, naming the address") {
  auto start = Clock::now();
  CHECK_THROWS_WITH(RedisQueue(parsed("redis://127.0.0.1:1/jobs")),
                    "cannot connect to the queue redis://127.0.0.1:1/jobs: Connection refused");
  test::TempDir folder("pipectl-redis-none");
  const std::string missing = (folder.path() / "x.sock").string();
  CHECK_THROWS_WITH(RedisQueue(parsed("unix://" + missing + "?stream=jobs")),
                    "cannot connect to the queue unix://" + missing + "?stream=jobs: No such file or directory");
  CHECK(since(start) < 1s);
}

TEST_CASE("a consumer group: entries added, read once, acknowledged") {
  auto server = start_redis();
  if (!server) return;
  RedisQueue queue(parsed(server->url("jobs")));
  CHECK(queue.address().stream == "jobs");
  queue.ensure_group("jobs", "workers");
  queue.ensure_group("jobs", "workers");  // BUSYGROUP: already there, fine
  CHECK(queue.length("jobs") == 0);

  const std::string first = queue.add("jobs", {{"handle", "nasa"}, {"day", "2024-05-01"}});
  const std::string second = queue.add("jobs", {{"handle", "esa"}, {"day", "2024-05-01"}});
  CHECK(first < second);  // same length, so the text order is the id order here
  CHECK(queue.length("jobs") == 2);

  auto read = queue.read_group("jobs", "workers", "worker-a", 10, 0ms);
  REQUIRE(read.size() == 2);
  CHECK(read[0].id == first);
  CHECK(read[0].fields == std::map<std::string, std::string>{{"handle", "nasa"}, {"day", "2024-05-01"}});
  CHECK(read[0].deliveries == 1);
  CHECK(read[1].fields.at("handle") == "esa");

  // Nothing new: an empty answer at once, without blocking.
  auto start = Clock::now();
  CHECK(queue.read_group("jobs", "workers", "worker-b", 10, 0ms).empty());
  CHECK(since(start) < 500ms);
  // Blocking waits about as long as asked.
  start = Clock::now();
  CHECK(queue.read_group("jobs", "workers", "worker-b", 10, 200ms).empty());
  CHECK(since(start) >= 190ms);

  CHECK(queue.group_info("jobs", "workers").pending == 2);
  queue.ack("jobs", "workers", first);
  queue.ack("jobs", "workers", second);
  GroupInfo info = queue.group_info("jobs", "workers");
  CHECK(info.pending == 0);
  CHECK(info.consumers >= 1);        // worker-b, which got nothing, counts from Redis 7.0 on only
  CHECK(queue.length("jobs") == 2);  // acknowledged, not deleted
}

TEST_CASE("group_info: lag counts entries not yet delivered, pending those not acknowledged") {
  auto server = start_redis();
  if (!server) return;
  RedisQueue queue(parsed(server->url("jobs")));
  GroupInfo none = queue.group_info("jobs", "workers");  // no stream yet
  CHECK(none.pending == 0);
  CHECK(none.consumers == 0);
  CHECK_FALSE(none.lag);

  queue.ensure_group("jobs", "workers");
  for (int i = 0; i < 5; ++i) {
    std::string handle = "h";  // appended: GCC 12 warns falsely (-Wrestrict) on "h" + std::string at -O3
    handle += std::to_string(i);
    queue.add("jobs", {{"handle", handle}});
  }
  GroupInfo fresh = queue.group_info("jobs", "workers");
  CHECK(fresh.lag == 5);
  CHECK(fresh.pending == 0);

  auto read = queue.read_group("jobs", "workers", "worker-a", 2, 0ms);
  REQUIRE(read.size() == 2);
  queue.ack("jobs", "workers", read[0].id);
  GroupInfo later = queue.group_info("jobs", "workers");
  CHECK(later.lag == 3);
  CHECK(later.pending == 1);
  CHECK(later.consumers == 1);
  CHECK(queue.group_info("jobs", "others").pending == 0);  // no such group: zeros
}

TEST_CASE("autoclaim: an idle entry goes to another consumer, with its delivery count") {
  auto server = start_redis();
  if (!server) return;
  RedisQueue queue(parsed(server->url("jobs")));
  queue.ensure_group("jobs", "workers");
  const std::string id = queue.add("jobs", {{"handle", "nasa"}});
  REQUIRE(queue.read_group("jobs", "workers", "worker-a", 1, 0ms).size() == 1);

  // Not idle long enough yet: worker-a may still be working on it.
  CHECK(queue.autoclaim("jobs", "workers", "worker-b", 10s, 10).empty());

  std::this_thread::sleep_for(300ms);
  auto claimed = queue.autoclaim("jobs", "workers", "worker-b", 200ms, 10);
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].id == id);
  CHECK(claimed[0].fields.at("handle") == "nasa");
  CHECK(claimed[0].deliveries == 2);
  // Now worker-b's, and just claimed: not idle.
  CHECK(queue.autoclaim("jobs", "workers", "worker-c", 200ms, 10).empty());
  CHECK(queue.group_info("jobs", "workers").pending == 1);
}

TEST_CASE("autoclaim: an entry deleted while pending is acknowledged and left out") {
  auto server = start_redis();
  if (!server) return;
  RedisQueue queue(parsed(server->url("jobs")));
  queue.ensure_group("jobs", "workers");
  const std::string gone = queue.add("jobs", {{"handle", "gone"}});
  const std::string kept = queue.add("jobs", {{"handle", "kept"}});
  REQUIRE(queue.read_group("jobs", "workers", "worker-a", 10, 0ms).size() == 2);
  raw_command(server->socket_path(), {"XDEL", "jobs", gone});
  std::this_thread::sleep_for(150ms);
  auto claimed = queue.autoclaim("jobs", "workers", "worker-b", 100ms, 10);
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].id == kept);
  CHECK(queue.group_info("jobs", "workers").pending == 1);
}

TEST_CASE("touch: an entry its consumer keeps touching is not claimed; once it stops, it is") {
  auto server = start_redis();
  if (!server) return;
  RedisQueue queue(parsed(server->url("jobs")));
  queue.ensure_group("jobs", "workers");
  const std::string id = queue.add("jobs", {{"handle", "nasa"}});
  REQUIRE(queue.read_group("jobs", "workers", "worker-a", 1, 0ms).size() == 1);
  const auto min_idle = 500ms;
  // 600 ms in all, longer than min_idle, touched every 200 ms.
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(200ms);
    queue.touch("jobs", "workers", "worker-a", {id});
  }
  CHECK(queue.autoclaim("jobs", "workers", "worker-b", min_idle, 10).empty());
  queue.touch("jobs", "workers", "worker-a", {});  // nothing to touch: nothing sent

  std::this_thread::sleep_for(min_idle + 100ms);
  auto claimed = queue.autoclaim("jobs", "workers", "worker-b", min_idle, 10);
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].deliveries == 2);  // touching did not count as deliveries
}

TEST_CASE("move: a dead letter leaves the group and appears in the dead stream at once") {
  auto server = start_redis();
  if (!server) return;
  RedisQueue queue(parsed(server->url("jobs")));
  queue.ensure_group("jobs", "workers");
  const std::string id = queue.add("jobs", {{"handle", "broken"}});
  REQUIRE(queue.read_group("jobs", "workers", "worker-a", 1, 0ms).size() == 1);
  const std::string dead_id =
      queue.move("jobs", "workers", id, "jobs:dead", {{"handle", "broken"}, {"error", "render failed"}, {"from", id}});
  CHECK(queue.group_info("jobs", "workers").pending == 0);
  auto dead = queue.read("jobs:dead", "0", 10, 0ms);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].id == dead_id);
  CHECK(dead[0].fields ==
        std::map<std::string, std::string>{{"handle", "broken"}, {"error", "render failed"}, {"from", id}});

  // A refused transaction moves nothing: no field to add makes XADD fail inside it.
  const std::string other = queue.add("jobs", {{"handle", "other"}});
  REQUIRE(queue.read_group("jobs", "workers", "worker-a", 1, 0ms).size() == 1);
  CHECK_THROWS_AS(queue.move("jobs", "workers", other, "jobs:dead", {}), QueueError);
  CHECK(queue.group_info("jobs", "workers").pending == 1);
  CHECK(queue.length("jobs:dead") == 1);
}

TEST_CASE("the events stream: read from the start and after a last id; max_length trims") {
  auto server = start_redis();
  if (!server) return;
  RedisQueue queue(parsed(server->url("jobs")));
  CHECK(queue.read("jobs:events", "0", 10, 0ms).empty());  // no stream yet
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(queue.add("jobs:events", {{"event", "done"}, {"n", std::to_string(i)}}));
  auto all = queue.read("jobs:events", "0", 100, 0ms);
  REQUIRE(all.size() == 5);
  CHECK(all[4].fields.at("n") == "4");
  auto first_two = queue.read("jobs:events", "0", 2, 0ms);
  REQUIRE(first_two.size() == 2);
  auto rest = queue.read("jobs:events", first_two.back().id, 100, 0ms);
  REQUIRE(rest.size() == 3);
  CHECK(rest[0].id == ids[2]);
  CHECK(queue.read("jobs:events", ids.back(), 100, 0ms).empty());

  // A blocking read sees an entry added meanwhile by another connection.
  std::thread writer([&] {
    RedisQueue other(parsed(server->url("jobs")));
    std::this_thread::sleep_for(100ms);
    other.add("jobs:events", {{"event", "late"}});
  });
  auto late = queue.read("jobs:events", ids.back(), 10, 5s);
  writer.join();
  REQUIRE(late.size() == 1);
  CHECK(late[0].fields.at("event") == "late");

  // MAXLEN ~ trims whole nodes of the stream (100 entries each by default): near the cap.
  for (int i = 0; i < 1000; ++i) queue.add("jobs:capped", {{"n", std::to_string(i)}}, 200);
  const auto length = queue.length("jobs:capped");
  CHECK(length >= 200);
  CHECK(length < 400);
}

TEST_CASE("Redis' own errors come back as QueueError with its message") {
  auto server = start_redis();
  if (!server) return;
  RedisQueue queue(parsed(server->url("jobs")));
  CHECK_THROWS_WITH(queue.read_group("jobs", "nobody", "worker-a", 1, 0ms), Catch::Contains("NOGROUP"));
  queue.ensure_group("jobs", "workers");  // ids are checked only against a stream that exists
  CHECK_THROWS_WITH(queue.ack("jobs", "workers", "not-an-id"), Catch::Contains("Invalid stream ID"));
  CHECK_THROWS_WITH(queue.ack("jobs", "workers", "not-an-id"), Catch::Contains(server->url("jobs")));
  CHECK(queue.length("jobs") == 0);  // the connection is still good
}

TEST_CASE("a restarted server: a call made while it was down succeeds, nothing lost") {
  auto server = start_redis();
  if (!server) return;
  RedisQueue queue(parsed(server->url("jobs")), 2s, 10s);
  queue.ensure_group("jobs", "workers");
  const std::string before = queue.add("jobs", {{"handle", "before"}});

  server->stop();
  std::thread restarter([&] {
    std::this_thread::sleep_for(300ms);
    server->restart();
  });
  const auto start = Clock::now();
  std::string during;
  CHECK_NOTHROW(during = queue.add("jobs", {{"handle", "during"}}));
  const auto waited = since(start);
  restarter.join();
  CHECK(waited >= 250ms);  // it really was down
  CHECK(waited < 5s);

  // The entry from before the restart came back from the append-only file, and the group too.
  auto read = queue.read_group("jobs", "workers", "worker-a", 10, 0ms);
  REQUIRE(read.size() == 2);
  CHECK(read[0].id == before);
  CHECK(read[1].id == during);
  CHECK(read[1].fields.at("handle") == "during");
}

TEST_CASE("a server down for longer than reconnect_for: the call throws after about that long") {
  auto server = start_redis();
  if (!server) return;
  RedisQueue queue(parsed(server->url("jobs")), 500ms, 700ms);
  CHECK(queue.length("jobs") == 0);
  server->stop();
  const auto start = Clock::now();
  CHECK_THROWS_WITH(queue.length("jobs"), Catch::Contains("lost the connection to the queue " + server->url("jobs")) &&
                                              Catch::Contains("within 0.7 s"));
  const auto waited = since(start);
  CHECK(waited >= 650ms);
  CHECK(waited < 2s);
}

// What a finished job hands on, through the real pipectl: --notify posts a signed JSON to the
// caller (a loopback receiver that checks the signature with the openssl command and fails
// twice first), without holding up the next handle; --out s3://BUCKET/PREFIX uploads each
// video to an S3-compatible server started by the test (s3rver), checked by downloading it
// with the curl command and probing it with ffprobe; a rerun finds the objects complete.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <mutex>

#include "support/fixture_graph.hpp"
#include "support/handle_dataset.hpp"
#include "support/json_lines.hpp"
#include "support/loopback_server.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"
#include "support/redis_server.hpp"
#include "support/s3_server.hpp"
#include "support/skip.hpp"

using namespace pipectl;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const std::string day = "2026-11-24";
const std::string secret = "notify-secret-7f3a";

std::string quoted(const fs::path& path) { return test::shell_quote(path.string()); }
std::string pipectl_command() { return test::shell_quote(test::pipectl_binary()); }

// HMAC-SHA256 of `body` under `key`, computed by the openssl command (not by pipectl's code).
std::string openssl_signature(const fs::path& folder, const std::string& key, const std::string& body) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  fs::path file = folder / "body.json";
  std::ofstream(file, std::ios::binary) << body;
  auto result = test::run_command("openssl dgst -sha256 -hmac " + test::shell_quote(key) + " -r " + quoted(file));
  REQUIRE(result.exit_code == 0);
  return "sha256=" + result.output.substr(0, result.output.find(' '));
}

std::vector<json::object> events_named(const fs::path& file, const std::string& name) {
  std::vector<json::object> found;
  for (auto& event : test::read_json_lines(file))
    if (test::string_field(event, "event") == name) found.push_back(std::move(event));
  return found;
}

}  // namespace

TEST_CASE("--notify posts each handle's outcome, signed, retried, without holding up the next handle") {
  test::TempDir folder("pipectl-notify");
  auto handles = test::write_handle_dataset(folder.path() / "data", 2);
  fs::path graph = test::write_fixture_graph(folder.path() / "fixtures.graph", folder.path() / "data");

  std::mutex mutex;
  int requests = 0;
  std::vector<json::object> delivered;
  std::vector<std::string> bad_signatures;
  test::LoopbackServer receiver([&](const test::LoopbackRequest& request) {
    std::lock_guard lock(mutex);
    ++requests;
    if (requests == 1) return test::reply_with(503, "busy");
    if (requests == 2) {
      auto reply = test::reply_with(200, "{\"ok\":true}");
      reply.cut_after = 2;  // the connection drops mid-reply
      return reply;
    }
    // Each later answer takes 2 s: the run must go on meanwhile.
    auto reply = test::reply_with(200, "{}");
    reply.delay = std::chrono::milliseconds(2000);
    auto signature = request.headers.count("x-pipectl-signature") ? request.headers.at("x-pipectl-signature") : "";
    if (signature != openssl_signature(folder.path(), secret, request.body)) bad_signatures.push_back(signature);
    delivered.push_back(json::parse(request.body).as_object());
    return reply;
  });

  fs::path events = folder.path() / "events.jsonl";
  auto run = test::run_command("PIPECTL_NOTIFY_SECRET=" + secret + " " + pipectl_command() + " run " + quoted(graph) +
                               " --handles " + handles[0] + "," + handles[1] + " --date " + day + " -j 1 --plain --out " +
                               quoted(folder.path() / "out") + " --events " + quoted(events) + " --notify " +
                               test::shell_quote(receiver.url("/videos-ready?token=abc")));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  std::lock_guard lock(mutex);
  CHECK(bad_signatures.empty());
  REQUIRE(delivered.size() == 2);
  for (const auto& payload : delivered) {
    CHECK(test::string_field(payload, "status") == "done");
    CHECK(test::string_field(payload, "date") == day);
    CHECK(test::string_field(payload, "tz") == "UTC");
    fs::path video = test::string_field(payload, "video");
    CHECK(fs::exists(video));
    CHECK(payload.at("posts").to_number<double>() > 0);
    CHECK(payload.at("cards").to_number<double>() == 4);
    CHECK(payload.at("duration").to_number<double>() == Approx(4.0).margin(0.1));
    CHECK(payload.contains("warnings"));
  }
  auto notified = events_named(events, "notified");
  REQUIRE(notified.size() == 2);
  int most_attempts = 0;
  for (const auto& event : notified) most_attempts = std::max(most_attempts, static_cast<int>(event.at("attempts").to_number<double>()));
  CHECK(most_attempts == 3);  // 503, a dropped reply, then delivered
  // The second handle started before the first handle's slow receiver had answered.
  auto started = events_named(events, "started");
  REQUIRE(started.size() == 2);
  CHECK(test::string_field(started[1], "time") < test::string_field(notified[0], "time"));
  // Neither the secret nor the callback's token is written anywhere.
  std::ifstream log(events);
  std::string text((std::istreambuf_iterator<char>(log)), {});
  CHECK(text.find(secret) == std::string::npos);
  CHECK(text.find("token=abc") == std::string::npos);
  CHECK(run.output.find(secret) == std::string::npos);
}

TEST_CASE("--out s3:// uploads each video under the prefix; a rerun finds them complete") {
  std::string why;
  if (!test::S3Server::available(why)) return test::skip(why);
  test::TempDir folder("pipectl-s3-run");
  test::S3Server server(folder.path() / "s3", "videos");
  auto handles = test::write_handle_dataset(folder.path() / "data", 3);
  fs::path graph = test::write_fixture_graph(folder.path() / "fixtures.graph", folder.path() / "data");
  std::string environment;
  for (const auto& [name, value] : server.environment()) environment += name + "=" + test::shell_quote(value) + " ";
  fs::path stage = folder.path() / "stage";
  fs::path events = folder.path() / "events.jsonl";
  std::string command = environment + pipectl_command() + " run " + quoted(graph) + " --handles " + handles[0] + "," +
                        handles[1] + "," + handles[2] + " --date " + day + " -j 2 --plain --out s3://videos/daily --stage-dir " +
                        quoted(stage) + " --events " + quoted(events);
  auto run = test::run_command(command);
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  for (const auto& handle : handles) {
    INFO(handle);
    const std::string key = "daily/" + handle + "/" + day + ".mp4";
    fs::path copy = folder.path() / (handle + ".mp4");
    auto get = test::run_command("curl -sS -f --aws-sigv4 aws:amz:us-east-1:s3 --user S3RVER:S3RVER -H "
                                 "'x-amz-content-sha256: UNSIGNED-PAYLOAD' -o " + quoted(copy) + " " +
                                 test::shell_quote(server.endpoint() + "/videos/" + key));
    INFO(get.output);
    REQUIRE(get.exit_code == 0);
    CHECK(test::probe_video(copy).frames == 4 * 30);
    CHECK_FALSE(fs::exists(stage / handle / (day + ".mp4")));  // the staged copy is gone once uploaded
  }
  auto finished = events_named(events, "finished");
  REQUIRE(finished.size() == 3);
  CHECK(finished[0].at("outputs").as_array().at(0).as_string().starts_with("s3://videos/daily/"));
  CHECK(run.output.find("S3RVER") == std::string::npos);  // credentials are never printed

  auto again = test::run_command(command);
  INFO(again.output);
  REQUIRE(again.exit_code == 0);
  CHECK(events_named(events, "skipped").size() == 3);
  CHECK(events_named(events, "started").empty());

  // Without credentials: a clear error at start, naming the variable, before any work.
  auto bare = test::run_command("env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY " + pipectl_command() + " run " +
                                quoted(graph) + " --handles " + handles[0] + " --out s3://videos/daily");
  CHECK(bare.exit_code == 2);
  CHECK(bare.output.find("AWS_ACCESS_KEY_ID") != std::string::npos);
}

TEST_CASE("a worker uploads to S3 and notifies the URL its job was enqueued with") {
  std::string why;
  if (!test::S3Server::available(why) || !test::RedisServer::available(why)) return test::skip(why);
  test::TempDir folder("pipectl-s3-worker");
  test::S3Server server(folder.path() / "s3", "videos");
  test::RedisServer redis;
  auto handles = test::write_handle_dataset(folder.path() / "data", 2);
  fs::path graph = test::write_fixture_graph(folder.path() / "fixtures.graph", folder.path() / "data");
  std::mutex mutex;
  std::vector<json::object> delivered;
  test::LoopbackServer receiver([&](const test::LoopbackRequest& request) {
    std::lock_guard lock(mutex);
    delivered.push_back(json::parse(request.body).as_object());
    return test::reply_with(204);
  });
  auto enqueued = test::run_command(pipectl_command() + " enqueue --queue " + test::shell_quote(redis.url("jobs")) + " " +
                                    quoted(graph) + " --handles " + handles[0] + "," + handles[1] + " --date " + day +
                                    " --notify " + test::shell_quote(receiver.url("/ready")));
  INFO(enqueued.output);
  REQUIRE(enqueued.exit_code == 0);
  std::string environment;
  for (const auto& [name, value] : server.environment()) environment += name + "=" + test::shell_quote(value) + " ";
  auto worker = test::run_command(environment + pipectl_command() + " worker --queue " +
                                  test::shell_quote(redis.url("jobs")) + " --out s3://videos/fleet --stage-dir " +
                                  quoted(folder.path() / "stage") + " -j 2 --until-empty --plain");
  INFO(worker.output);
  REQUIRE(worker.exit_code == 0);
  std::lock_guard lock(mutex);
  REQUIRE(delivered.size() == 2);
  for (const auto& payload : delivered) {
    const std::string handle = test::string_field(payload, "handle");
    CHECK(test::string_field(payload, "video") == "s3://videos/fleet/" + handle + "/" + day + ".mp4");
    CHECK(test::string_field(payload, "status") == "done");
    CHECK_FALSE(test::string_field(payload, "job").empty());
    fs::path copy = folder.path() / (handle + ".mp4");
    auto get = test::run_command("curl -sS -f --aws-sigv4 aws:amz:us-east-1:s3 --user S3RVER:S3RVER -H "
                                 "'x-amz-content-sha256: UNSIGNED-PAYLOAD' -o " + quoted(copy) + " " +
                                 test::shell_quote(server.endpoint() + "/videos/fleet/" + handle + "/" + day + ".mp4"));
    INFO(get.output);
    REQUIRE(get.exit_code == 0);
    CHECK(test::probe_video(copy).frames == 4 * 30);
  }
}

// Integration: graphs/bluesky.graph run by the real pipectl against the fake server
// (tools/fake-x-api answering as Bluesky's AppView) over tests/fixtures/bluesky, one handle per
// fault, with real encodes checked by ffprobe: rate limits waited out as `waiting` events, faults
// retried, refusals failing only their handle in Bluesky's words, and the day window in time
// zones (a day of 25 hours included) deciding how far back the feed is paged.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <map>
#include <set>

#include "support/fake_x_api.hpp"
#include "support/fixture_graph.hpp"
#include "support/json_lines.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"

using namespace pipectl;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

fs::path fixtures() { return test::source_dir() / "tests" / "fixtures" / "bluesky"; }

std::string text_field(const json::object& object, const char* key) { return test::string_field(object, key); }

test::FakeXApi start_server(const fs::path& log, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> arguments{"--data", fixtures().string(), "--faults", (fixtures() / "faults.json").string(),
                                     "--log", log.string()};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return test::FakeXApi(arguments);
}

// pipectl run graphs/bluesky.graph for `handles` against `api`, small cards so encodes are quick.
test::CommandResult run_bluesky(const std::string& api, const std::string& handles, const fs::path& out,
                                const std::string& options) {
  return test::run_command(test::shell_quote(test::pipectl_binary()) + " run " +
                           test::shell_quote((test::source_dir() / "graphs/bluesky.graph").string()) + " --handles " +
                           handles + " --out " + test::shell_quote(out.string()) + " --set fetch.api_base=" + api +
                           " --set fetch.backoff=0.05s --set fetch.timeout=2s --set render.size=320x180"
                           " --set render.card=1s " + options);
}

std::map<std::string, int> finished_posts(const fs::path& events) {
  std::map<std::string, int> posts;
  for (const auto& event : test::read_json_lines(events))
    if (text_field(event, "event") == "finished") posts[text_field(event, "handle")] = event.at("posts").to_number<int>();
  return posts;
}

// The feed pages the server was asked for, per handle: their cursors ("" for the first).
std::map<std::string, std::vector<std::string>> feed_cursors(const fs::path& log) {
  std::map<std::string, std::vector<std::string>> cursors;
  for (const auto& request : test::read_json_lines(log))
    if (text_field(request, "endpoint") == "feed" && request.at("status").to_number<int>() == 200)
      cursors[text_field(request, "handle")].push_back(text_field(request.at("query").as_object(), "cursor"));
  return cursors;
}

void check_video(const fs::path& video, int posts) {
  INFO(video);
  REQUIRE(fs::exists(video));
  CHECK(test::probe_video(video).frames == (posts + 2) * 30);  // a title and an end card, 1 s each
  CHECK(test::decode_errors(video).empty());
}

}  // namespace

TEST_CASE("graphs/bluesky.graph against the fake AppView: faults waited out or retried, refusals fail their handle") {
  test::TempDir folder("pipectl-bluesky-run");
  const fs::path log = folder.path() / "server.jsonl", events = folder.path() / "events.jsonl", out = folder.path() / "out";
  auto server = start_server(log);
  auto result = run_bluesky(server.url(),
                            "kelpwatch.example,busy.feeds.example,flaky.feeds.example,dropper.feeds.example,"
                            "profile-flaky.feeds.example,media-flaky.feeds.example,garbage.feeds.example,"
                            "huge.feeds.example,takendown.feeds.example,deactivated.feeds.example,"
                            "nobody.feeds.example,orbit_daily,slow.feeds.example,trickler.feeds.example,"
                            "truncated.feeds.example",
                            out, "--date 2026-11-24 -j 3 --events " + test::shell_quote(events.string()));
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("8 of 15 handles made their video") != std::string::npos);

  // Each good or recovered handle has its video: one card per post of the day.
  const std::map<std::string, int> expected{{"kelpwatch.example", 11},          {"busy.feeds.example", 2},
                                            {"flaky.feeds.example", 2},         {"dropper.feeds.example", 2},
                                            {"profile-flaky.feeds.example", 2}, {"media-flaky.feeds.example", 2},
                                            {"slow.feeds.example", 2},          {"trickler.feeds.example", 2}};
  auto posts = finished_posts(events);
  for (const auto& [handle, count] : expected) {
    INFO(handle);
    CHECK(posts[handle] == count);
    check_video(out / handle / "2026-11-24.mp4", count);
  }

  // The failures say why, naming the handle, in Bluesky's words.
  for (const std::string& expected_error : std::vector<std::string>{
           "error: garbage.feeds.example: stage 'fetch': gave up after 5 attempts: ",
           "error: truncated.feeds.example: stage 'fetch': gave up after 5 attempts: ",
           "error: huge.feeds.example: stage 'fetch': GET " + server.url() + "/xrpc/app.bsky.feed.getAuthorFeed",
           "error: takendown.feeds.example: stage 'fetch': the Bluesky account 'takendown.feeds.example' has been taken "
           "down (AccountTakedown: Account has been suspended)",
           "error: deactivated.feeds.example: stage 'fetch': the Bluesky account 'deactivated.feeds.example' is "
           "deactivated (AccountDeactivated: Account is deactivated)",
           "error: nobody.feeds.example: stage 'fetch': no Bluesky account has the handle 'nobody.feeds.example' "
           "(InvalidRequest: Profile not found)",
           "error: orbit_daily: stage 'fetch': 'orbit_daily' is not a Bluesky handle (a domain name such as "
           "alice.bsky.social)"})
    CHECK(result.output.find(expected_error) != std::string::npos);
  CHECK(result.output.find("invalid JSON") != std::string::npos);
  CHECK(result.output.find("the body is larger than the limit") != std::string::npos);
  CHECK(result.output.find("warning: flaky.feeds.example: fetch: attempt 1 failed, retrying in ") != std::string::npos);
  CHECK(result.output.find("warning: dropper.feeds.example: fetch: attempt 1 failed") != std::string::npos);
  CHECK(result.output.find("warning: profile-flaky.feeds.example: fetch: attempt 1 failed") != std::string::npos);
  // The answer that came after the time-out was given up on and asked again; the one that
  // trickled in within it was read whole.
  CHECK(result.output.find("warning: slow.feeds.example: fetch: attempt 1 failed") != std::string::npos);
  CHECK(result.output.find("warning: trickler.feeds.example: fetch: attempt") == std::string::npos);
  // The picture that failed once was tried again: no placeholder on its card.
  CHECK(result.output.find("warning: media-flaky.feeds.example: media: ") == std::string::npos);

  // The 429 became a "waiting" event for busy, as long as the reset the server announced.
  size_t waits = 0;
  for (const auto& event : test::read_json_lines(events)) {
    if (text_field(event, "event") != "waiting") continue;
    ++waits;
    CHECK(text_field(event, "handle") == "busy.feeds.example");
    CHECK(text_field(event, "reason").find("rate limit: HTTP 429 from Bluesky (127.0.0.1:") != std::string::npos);
    CHECK(event.at("seconds").to_number<double>() >= 1.0);
    CHECK(event.at("seconds").to_number<double>() <= 5.0);
  }
  CHECK(waits == 1);

  // What the client asked for: the profile, then the feed with its filter and page size, page
  // by page, and no further back than the day needs (the third page is older).
  std::map<std::string, int> pictures;
  for (const auto& request : test::read_json_lines(log)) {
    INFO(json::serialize(request));
    const std::string endpoint = text_field(request, "endpoint");
    if (endpoint == "media") ++pictures[text_field(request, "handle")];
    if (endpoint != "feed" && endpoint != "profile") continue;
    const auto& query = request.at("query").as_object();
    CHECK(text_field(query, "actor") == text_field(request, "handle"));
    if (endpoint == "feed") {
      CHECK(text_field(query, "filter") == "posts_with_replies");
      CHECK(text_field(query, "limit") == "100");
    }
  }
  CHECK(feed_cursors(log)["kelpwatch.example"] == std::vector<std::string>{"", "3n333radqs22f"});
  CHECK(pictures["media-flaky.feeds.example"] >= 2);
  CHECK(pictures["kelpwatch.example"] >= 3);  // the avatar, photos, the link card's picture
}

TEST_CASE("the day window in a time zone decides how far back the feed is paged, a 25-hour day included") {
  test::TempDir folder("pipectl-bluesky-zones");
  const fs::path log = folder.path() / "server.jsonl";
  auto server = start_server(log);

  // Tokyo's 24 November starts at 15:00 UTC on the 23rd: the post of 23:10 UTC that day is in it,
  // so the second page does not reach back far enough, and the third is read too.
  const fs::path tokyo_events = folder.path() / "tokyo.jsonl";
  auto tokyo = run_bluesky(server.url(), "kelpwatch.example", folder.path() / "tokyo",
                           "--date 2026-11-24 --tz Asia/Tokyo --events " + test::shell_quote(tokyo_events.string()));
  INFO(tokyo.output);
  CHECK(tokyo.exit_code == 0);
  CHECK(finished_posts(tokyo_events)["kelpwatch.example"] == 7);
  check_video(folder.path() / "tokyo" / "kelpwatch.example" / "2026-11-24.mp4", 7);
  CHECK(feed_cursors(log)["kelpwatch.example"].size() == 3);

  // New York's 1 November 2026 has 25 hours (the clocks go back): its last hour's post is in
  // the day, midnight EST on the 2nd is not, and paging stops at 23:59 EDT on 31 October.
  const fs::path clock_events = folder.path() / "clock.jsonl";
  auto clock = run_bluesky(server.url(), "clockchange.example", folder.path() / "clock",
                           "--date 2026-11-01 --tz America/New_York --events " + test::shell_quote(clock_events.string()));
  INFO(clock.output);
  CHECK(clock.exit_code == 0);
  CHECK(finished_posts(clock_events)["clockchange.example"] == 3);
  check_video(folder.path() / "clock" / "clockchange.example" / "2026-11-01.mp4", 3);
  CHECK(feed_cursors(log)["clockchange.example"].size() == 2);
}

TEST_CASE("when a rate-limit window has no calls left, the next page waits for its reset") {
  test::TempDir folder("pipectl-bluesky-window");
  const fs::path events = folder.path() / "events.jsonl";
  // Two calls per endpoint every 3 s: the Tokyo day's three feed pages need a wait before the third.
  auto server = start_server(folder.path() / "server.jsonl", {"--rate-limit", "2", "--rate-window", "3"});
  auto result = run_bluesky(server.url(), "kelpwatch.example", folder.path() / "out",
                            "--date 2026-11-24 --tz Asia/Tokyo --events " + test::shell_quote(events.string()));
  INFO(result.output);
  CHECK(result.exit_code == 0);
  size_t waits = 0;
  for (const auto& event : test::read_json_lines(events)) {
    if (text_field(event, "event") != "waiting") continue;
    ++waits;
    CHECK(text_field(event, "reason").find("rate limit: no calls left in this window") != std::string::npos);
    CHECK(event.at("seconds").to_number<double>() <= 5.0);
  }
  CHECK(waits == 1);
  CHECK(result.output.find("HTTP 429") == std::string::npos);  // it never ran into the limit
}

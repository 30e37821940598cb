// Integration: Mastodon days through the real pipectl run, videos checked with ffprobe: stored
// folders (tests/fixtures/mastodon) in UTC and on the day summer time ends, and
// graphs/mastodon.graph against the fake server (tools/fake-x-api answering as an instance, one
// handle per fault: the fixtures' README) with waits, retries, refusals and a time zone.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "support/fake_x_api.hpp"
#include "support/fixture_graph.hpp"
#include "support/json_lines.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"

using namespace pipectl;
namespace fs = std::filesystem;

namespace {

fs::path fixtures() { return test::source_dir() / "tests" / "fixtures" / "mastodon"; }

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

// ------------------------------------------------------------------------------------------
// Through the real pipectl: stored Mastodon folders make videos (checked with ffprobe)

namespace {

struct Finished {
  std::map<std::string, int> posts;  // handle -> posts of the `finished` event
};

Finished finished_events(const fs::path& events) {
  Finished found;
  for (const auto& event : test::read_json_lines(events))
    if (test::string_field(event, "event") == "finished") found.posts[test::string_field(event, "handle")] = event.at("posts").to_number<int>();
  return found;
}

}  // namespace

TEST_CASE("pipectl run: stored Mastodon folders, in UTC and across a change of summer time") {
  test::TempDir folder("pipectl-mastodon-run");
  const fs::path graph = test::write_fixture_graph(folder.path() / "stored.graph", fixtures());
  const fs::path events = folder.path() / "events.jsonl", paris_events = folder.path() / "paris.jsonl";
  auto run = test::run_command(test::shell_quote(test::pipectl_binary()) + " run " + test::shell_quote(graph.string()) +
                               " --handles @maren@social.example,clockchange@social.example --date 2026-11-24 --out " +
                               test::shell_quote((folder.path() / "utc").string()) + " --events " +
                               test::shell_quote(events.string()));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  Finished utc = finished_events(events);
  CHECK(utc.posts["maren@social.example"] == 11);  // the leading '@' of the address is not the handle's
  CHECK(utc.posts["clockchange@social.example"] == 0);
  const fs::path video = folder.path() / "utc" / "maren@social.example" / "2026-11-24.mp4";
  REQUIRE(fs::exists(video));
  auto probe = test::probe_video(video);
  CHECK(probe.codec == "h264");
  CHECK(probe.width == 320);
  CHECK(probe.frames == (11 + 2) * 30);  // a title card, 11 statuses, the end card; 1 s each
  CHECK(test::decode_errors(video).empty());

  // Europe/Paris on 2026-10-25, a day of 25 hours: 4 statuses (fixtures/mastodon/README.md).
  auto paris = test::run_command(test::shell_quote(test::pipectl_binary()) + " run " + test::shell_quote(graph.string()) +
                                 " --handles clockchange@social.example --date 2026-10-25 --tz Europe/Paris --out " +
                                 test::shell_quote((folder.path() / "paris").string()) + " --events " +
                                 test::shell_quote(paris_events.string()));
  INFO(paris.output);
  CHECK(paris.exit_code == 0);
  CHECK(finished_events(paris_events).posts["clockchange@social.example"] == 4);
  const fs::path paris_video = folder.path() / "paris" / "clockchange@social.example" / "2026-10-25.mp4";
  REQUIRE(fs::exists(paris_video));
  CHECK(test::probe_video(paris_video).frames == (4 + 2) * 30);
}

// ------------------------------------------------------------------------------------------
// graphs/mastodon.graph through the real pipectl against the fake server (tools/fake-x-api)
// over tests/fixtures/mastodon, one handle per fault (its README)

namespace {

struct FakeInstanceRun {
  test::CommandResult result;
  fs::path out, events, server_log;
  std::string server_url;
};

// pipectl run graphs/mastodon.graph for `handles` against a fresh fake server; small cards so
// the encodes are quick.
FakeInstanceRun run_mastodon_graph(const fs::path& folder, const std::string& handles, const std::string& options = "") {
  FakeInstanceRun run;
  fs::create_directories(folder);
  run.out = folder / "videos";
  run.events = folder / "events.jsonl";
  run.server_log = folder / "server.jsonl";
  test::FakeXApi server({"--data", fixtures().string(), "--faults", (fixtures() / "faults.json").string(), "--log",
                         run.server_log.string()});
  run.server_url = server.url();
  run.result = test::run_command(
      test::shell_quote(test::pipectl_binary()) + " run " +
      test::shell_quote((test::source_dir() / "graphs" / "mastodon.graph").string()) + " --handles " + handles +
      " --out " + test::shell_quote(run.out.string()) + " --events " + test::shell_quote(run.events.string()) +
      " --set fetch.api_base=" + server.url() +
      " --set fetch.backoff=0.05s --set fetch.timeout=2s --set render.size=320x180 --set render.card=1s " + options);
  return run;
}

void check_video(const fs::path& video, int posts) {
  INFO(video);
  REQUIRE(fs::exists(video));
  auto probe = test::probe_video(video);
  CHECK(probe.codec == "h264");
  CHECK(probe.frames == (posts + 2) * 30);  // the title and end cards, 1 s each at 30 fps
  CHECK(test::decode_errors(video).empty());
}

}  // namespace

TEST_CASE("fake instance: a day over three pages, a 429 waited out, 5xx, drops and time-outs retried") {
  test::TempDir folder("pipectl-mastodon-faults");
  auto run = run_mastodon_graph(folder.path(),
                                "@maren@social.example,busy@social.example,flaky@social.example,dropper@social.example,"
                                "lookup_flaky@social.example,media_flaky@social.example,slow@social.example,"
                                "trickler@social.example",
                                "-j 3 --date 2026-11-24");
  INFO(run.result.output);
  CHECK(run.result.exit_code == 0);
  CHECK(run.result.output.find("8 of 8 handles made their video") != std::string::npos);
  const std::map<std::string, int> posts{{"maren@social.example", 11}, {"busy@social.example", 2},
                                         {"flaky@social.example", 2},  {"dropper@social.example", 2},
                                         {"lookup_flaky@social.example", 2}, {"media_flaky@social.example", 2},
                                         {"slow@social.example", 2}, {"trickler@social.example", 2}};
  Finished finished = finished_events(run.events);
  for (const auto& [handle, count] : posts) {
    INFO(handle);
    CHECK(finished.posts[handle] == count);
    check_video(run.out / handle / "2026-11-24.mp4", count);
  }

  // busy's 429 is one "waiting" event, as long as the reset the server announced (2 s, + 1).
  int waits = 0;
  for (const auto& event : test::read_json_lines(run.events)) {
    if (test::string_field(event, "event") != "waiting") continue;
    ++waits;
    CHECK(test::string_field(event, "handle") == "busy@social.example");
    CHECK(test::string_field(event, "reason").find("rate limit: HTTP 429 from social.example") != std::string::npos);
    CHECK(event.at("seconds").to_number<double>() >= 1.0);
    CHECK(event.at("seconds").to_number<double>() <= 5.0);
  }
  CHECK(waits == 1);
  for (const char* handle :
       {"flaky@social.example", "dropper@social.example", "lookup_flaky@social.example", "slow@social.example"})
    CHECK(run.result.output.find(std::string("warning: ") + handle + ": fetch: attempt 1 failed, retrying in ") !=
          std::string::npos);
  // A body that trickles in within the time-out is read whole, with no retry.
  CHECK(run.result.output.find("warning: trickler@social.example: fetch: attempt") == std::string::npos);
  CHECK(run.result.output.find("warning: media_flaky@social.example: media: ") == std::string::npos);  // retried

  // maren's three pages, each asked once, the next ones by the Link header's max_id.
  std::vector<std::string> pages;
  int pictures = 0;
  for (const auto& request : test::read_json_lines(run.server_log)) {
    const std::string endpoint = test::string_field(request, "endpoint");
    if (test::string_field(request, "handle") == "media_flaky@social.example" && endpoint == "media") ++pictures;
    if (test::string_field(request, "handle") != "maren@social.example" || endpoint != "statuses") continue;
    const auto& query = request.at("query").as_object();
    CHECK(test::string_field(query, "limit") == "40");
    pages.push_back(test::string_field(query, "max_id"));
  }
  CHECK(pages == std::vector<std::string>{"", "117672286617600000", "117671067648000000"});
  CHECK(pictures >= 2);  // the 503, then the picture
}

TEST_CASE("fake instance: bad handles, unknown and gone accounts, broken and huge answers fail their handle only") {
  test::TempDir folder("pipectl-mastodon-failures");
  auto run = run_mastodon_graph(folder.path(),
                                "ada,nobody@social.example,gone@social.example,truncated@social.example,"
                                "garbage@social.example,huge@social.example,flaky@social.example",
                                "-j 3 --date 2026-11-24");
  INFO(run.result.output);
  CHECK(run.result.exit_code == 1);
  CHECK(run.result.output.find("1 of 7 handles made their video") != std::string::npos);
  check_video(run.out / "flaky@social.example" / "2026-11-24.mp4", 2);
  for (const std::string& expected : std::vector<std::string>{
           "error: ada: stage 'fetch': 'ada' is not a Mastodon address (user@instance, e.g. @ada@mastodon.social)",
           "error: nobody@social.example: stage 'fetch': social.example has no account @nobody@social.example "
           "(HTTP 404: Record not found, " + run.server_url + "/api/v1/accounts/lookup)",
           "error: gone@social.example: stage 'fetch': @gone@social.example is gone from social.example: suspended "
           "or deleted (HTTP 410",
           "error: truncated@social.example: stage 'fetch': gave up after 5 attempts: ",
           "error: garbage@social.example: stage 'fetch': gave up after 5 attempts: ",
           "error: huge@social.example: stage 'fetch': GET " + run.server_url + "/api/v1/accounts/"}) {
    CHECK(run.result.output.find(expected) != std::string::npos);
  }
  CHECK(run.result.output.find("invalid JSON") != std::string::npos);
  CHECK(run.result.output.find("the body is larger than the limit") != std::string::npos);
  // The bad address asked nothing of any server.
  for (const auto& request : test::read_json_lines(run.server_log)) CHECK(test::string_field(request, "handle") != "ada");
}

TEST_CASE("fake instance: the day window in a time zone, on the day summer time ends") {
  test::TempDir folder("pipectl-mastodon-dst");
  auto pages_asked = [](const fs::path& server_log) {
    int asked = 0;
    for (const auto& request : test::read_json_lines(server_log))
      asked += test::string_field(request, "endpoint") == "statuses" ? 1 : 0;
    return asked;
  };
  // Europe/Paris, 2026-10-25: 25 hours from 22:00Z on the 24th; its first second is on page 2,
  // so page 3 is read too, to see a status from before the day.
  auto paris = run_mastodon_graph(folder.path() / "paris", "clockchange@social.example",
                                  "--date 2026-10-25 --tz Europe/Paris");
  INFO(paris.result.output);
  CHECK(paris.result.exit_code == 0);
  CHECK(finished_events(paris.events).posts["clockchange@social.example"] == 4);
  check_video(paris.out / "clockchange@social.example" / "2026-10-25.mp4", 4);
  CHECK(pages_asked(paris.server_log) == 3);
  // Which 4: the subtitles hold each status's text, its time.
  const std::string paris_text = read_text(paris.out / "clockchange@social.example" / "2026-10-25.vtt");
  CHECK(paris_text.find("Posted at 2026-10-24T22:00:00.000Z") != std::string::npos);  // midnight in Paris
  CHECK(paris_text.find("Posted at 2026-10-25T23:00:00.000Z") == std::string::npos);  // the 26th in Paris
  // The same date in UTC: 4 statuses too, not the same ones, and page 2 already reaches before the day.
  auto utc = run_mastodon_graph(folder.path() / "utc", "clockchange@social.example", "--date 2026-10-25");
  INFO(utc.result.output);
  CHECK(finished_events(utc.events).posts["clockchange@social.example"] == 4);
  const std::string utc_text = read_text(utc.out / "clockchange@social.example" / "2026-10-25.vtt");
  CHECK(utc_text.find("Posted at 2026-10-24T22:00:00.000Z") == std::string::npos);
  CHECK(utc_text.find("Posted at 2026-10-25T23:00:00.000Z") != std::string::npos);
  CHECK(pages_asked(utc.server_log) == 2);
}

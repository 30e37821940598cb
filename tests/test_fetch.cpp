// The fetch module: the X API v2 page parser on real and sample data and on broken input,
// the day window in time zones, the stored-pages source, and the offline sources (the
// official X archive, twarc2 JSONL files) on fixtures and on the shared reference data.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>

#include "dataset_urls.hpp"
#include "day_window.hpp"
#include "legacy_tweet.hpp"
#include "select_day.hpp"
#include "text_repair.hpp"
#include "stored_pages.hpp"
#include "support/fixture_graph.hpp"
#include "support/code_points.hpp"
#include "support/paths.hpp"
#include "support/skip.hpp"
#include "timeline_page.hpp"
#include "twarc2_file.hpp"
#include "handle_forms.hpp"
#include "rate_limit.hpp"
#include "rfc3339_time.hpp"
#include "username.hpp"
#include "x_archive.hpp"

using namespace pipectl;
using namespace pipectl::fetch;
namespace fs = std::filesystem;

namespace {

fs::path fixtures() { return test::stored_fixtures(); }
fs::path sample() { return test::source_dir() / "data" / "sample"; }

std::string iso(std::chrono::sys_seconds time) {
  auto day = std::chrono::floor<std::chrono::days>(time);
  std::chrono::year_month_day date{day};
  std::chrono::hh_mm_ss clock{time - day};
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<long>(clock.hours().count()), static_cast<long>(clock.minutes().count()),
                static_cast<long>(clock.seconds().count()));
  return text;
}

using test::slice_code_points;

std::string entity_as_written(const items::Entity& entity) {
  switch (entity.kind) {
    case items::EntityKind::hashtag: return "#" + entity.text;
    case items::EntityKind::mention: return "@" + entity.text;
    case items::EntityKind::cashtag: return "$" + entity.text;
    case items::EntityKind::custom_emoji: return ":" + entity.text + ":";
    case items::EntityKind::url: return entity.text;
  }
  return {};
}

bool any_contains(const std::vector<std::string>& messages, const std::string& text) {
  for (const auto& message : messages)
    if (message.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("API times and HTML entities") {
  CHECK(iso(*parse_api_time("2026-11-24T14:05:09.000Z")) == "2026-11-24T14:05:09Z");
  CHECK(iso(*parse_api_time("2026-11-24T14:05:09Z")) == "2026-11-24T14:05:09Z");
  CHECK_FALSE(parse_api_time("2026-11-24 14:05:09"));
  CHECK_FALSE(parse_api_time("2026-02-30T14:05:09.000Z"));
  CHECK_FALSE(parse_api_time("Tue Nov 24 14:05:09 +0000 2026"));
  CHECK_FALSE(parse_api_time("2026-11-25T-1:30:00.000Z"));  // signs and spaces are not digits
  CHECK_FALSE(parse_api_time("2026-11-24T12:00:00 Z"));
  CHECK_FALSE(parse_api_time("2026-11-24T24:00:00Z"));
  CHECK_FALSE(parse_api_time("2026-11-24T12:00:00.Z"));
  CHECK(parse_date("2026-11-24"));
  CHECK_FALSE(parse_date("2026-+1-24"));
  CHECK_FALSE(parse_date(" 2026-1-24"));
  CHECK_FALSE(parse_date("2026-02-29"));
  CHECK(decode_html_entities("a &amp; b &lt;3 &gt; &amp;amp;") == "a & b <3 > &amp;");
  std::vector<int> positions;
  CHECK(decode_html_entities("é&amp;x", &positions) == "é&x");
  CHECK(positions == std::vector<int>{0, 1, 1, 1, 1, 1, 2, 3});
}

TEST_CASE("handle forms: X usernames, Bluesky domains, Mastodon addresses; none names a path") {
  CHECK(is_x_username("orbit_daily"));
  CHECK_FALSE(is_x_username("a_handle_too_long_"));
  CHECK_FALSE(is_x_username("alice.bsky.social"));
  CHECK(is_domain_handle("alice.bsky.social"));
  CHECK(is_domain_handle("example.com"));
  CHECK(is_domain_handle("xn--bcher-kva.example"));
  CHECK_FALSE(is_domain_handle("localhost"));    // one label
  CHECK_FALSE(is_domain_handle("10.0.0.1"));     // an address
  CHECK_FALSE(is_domain_handle("alice.3com"));   // atproto: the top-level label starts with a letter
  CHECK_FALSE(is_domain_handle("a..example"));
  CHECK_FALSE(is_domain_handle(".example.com"));
  CHECK_FALSE(is_domain_handle("-a.example"));
  CHECK_FALSE(is_domain_handle("a_b.example"));
  CHECK_FALSE(is_domain_handle(std::string(64, 'a') + ".example"));
  CHECK(is_domain_handle(std::string(63, 'a') + ".example"));
  CHECK(is_fediverse_address("ada@mastodon.social"));
  CHECK(is_fediverse_address("Ada_Lovelace.1@social.example"));
  CHECK_FALSE(is_fediverse_address("@ada@mastodon.social"));  // the command line drops the leading @
  CHECK_FALSE(is_fediverse_address("ada@"));
  CHECK_FALSE(is_fediverse_address("ada@localhost"));
  CHECK_FALSE(is_fediverse_address(".ada@social.example"));
  CHECK_FALSE(is_fediverse_address("ada@b@social.example"));
  CHECK_FALSE(is_fediverse_address("ad/a@social.example"));
  const std::string long_domain = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + ".example";
  CHECK(is_fediverse_address("ada@" + long_domain));
  CHECK_FALSE(is_fediverse_address(std::string(64, 'u') + "@" + long_domain + std::string(0, 'x') + ".toolong"));
}

TEST_CASE("RFC 3339 times: fractions, offsets and what is not one") {
  CHECK(iso(*parse_rfc3339("2026-11-24T14:05:09.123456Z")) == "2026-11-24T14:05:09Z");
  CHECK(iso(*parse_rfc3339("2026-11-24T19:35:09+05:30")) == "2026-11-24T14:05:09Z");
  CHECK(iso(*parse_rfc3339("2026-11-24T09:05:09.5-05:00")) == "2026-11-24T14:05:09Z");
  CHECK(iso(*parse_rfc3339("2026-11-24t14:05:09z")) == "2026-11-24T14:05:09Z");
  CHECK_FALSE(parse_rfc3339("2026-11-24T14:05:09"));          // no zone
  CHECK_FALSE(parse_rfc3339("2026-11-24T14:05:09+0530"));     // offset without its colon
  CHECK_FALSE(parse_rfc3339("2026-11-24T14:05:09.1234567890Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-24T14:05:09+24:00"));
  CHECK_FALSE(parse_api_time("2026-11-24T14:05:09+00:00"));  // the X API writes Z
}

TEST_CASE("rate-limit headers in the words of X, Bluesky and Mastodon") {
  using namespace std::chrono;
  const sys_seconds now = sys_days(2026y / 11 / 24) + hours(15);
  auto x = read_rate_limit({{"x-rate-limit-remaining", "0"}, {"x-rate-limit-reset", "1795539600"}});
  CHECK(x.remaining == 0);
  CHECK(x.reset->time_since_epoch().count() == 1795539600);
  auto bluesky = read_rate_limit({{"ratelimit-remaining", "12"}, {"ratelimit-reset", "1795539600"}},
                                 bluesky_rate_limit_headers, now);
  CHECK(bluesky.remaining == 12);
  CHECK(bluesky.reset->time_since_epoch().count() == 1795539600);
  // A 429 with Retry-After only: from now.
  auto after = read_rate_limit({{"retry-after", "30"}}, bluesky_rate_limit_headers, now);
  CHECK(*after.reset == now + seconds(30));
  CHECK(rate_limit_wait(after, true, now) == seconds(31));
  auto mastodon = read_rate_limit({{"x-ratelimit-remaining", "299"}, {"x-ratelimit-reset", "2026-11-24T15:05:00.000Z"}},
                                  mastodon_rate_limit_headers, now);
  CHECK(mastodon.remaining == 299);
  CHECK(*mastodon.reset == now + minutes(5));
  // Malformed headers say nothing; another service's headers are not read.
  auto odd = read_rate_limit({{"x-ratelimit-remaining", "-1"}, {"x-ratelimit-reset", "1795539600"}},
                             mastodon_rate_limit_headers, now);
  CHECK_FALSE(odd.remaining);
  CHECK_FALSE(odd.reset);
  CHECK_FALSE(read_rate_limit({{"x-rate-limit-remaining", "0"}}, bluesky_rate_limit_headers, now).remaining);
}

TEST_CASE("the day window follows the time zone, daylight saving included") {
  auto utc = day_window("2026-11-24", "UTC");
  CHECK(iso(utc.start) == "2026-11-24T00:00:00Z");
  CHECK(iso(utc.end) == "2026-11-25T00:00:00Z");
  auto tokyo = day_window("2026-11-24", "Asia/Tokyo");
  CHECK(iso(tokyo.start) == "2026-11-23T15:00:00Z");
  // 8 March 2026: New York springs forward, the day has 23 hours.
  auto spring = day_window("2026-03-08", "America/New_York");
  CHECK(iso(spring.start) == "2026-03-08T05:00:00Z");
  CHECK(iso(spring.end) == "2026-03-09T04:00:00Z");
  CHECK_THROWS_WITH(day_window("2026-11-24", "Mars/Olympus"), Catch::Contains("unknown time zone 'Mars/Olympus'"));
  CHECK_THROWS_WITH(day_window("2026-13-01", "UTC"), Catch::Contains("2026-13-01"));
  CHECK_THROWS_WITH(day_window("24.11.2026", "UTC"), Catch::Contains("YYYY-MM-DD"));
}

TEST_CASE("a real X API v2 timeline page parses completely") {
  fs::path shared = test::shared_dir();
  if (shared.empty()) {
    return test::skip("../shared/reference is absent, the real-payload test cannot run");
  }
  std::ifstream in(shared / "reference" / "x-api-v2-payloads" / "users_id_tweets_page.jsonl");
  std::string line;
  REQUIRE(std::getline(in, line));
  TimelinePage page = parse_timeline_page(line, "users_id_tweets_page.jsonl");
  for (const auto& found : page.problems) WARN(found.kind << ": " << found.message);
  CHECK(page.problems.empty());
  CHECK(page.posts.size() == 100);
  CHECK(page.next_token == std::optional<std::string>("7140dibdnow9c7btw3t3bne6afapt2a6nif3ncl044raq"));
  CHECK_FALSE(page.errors.empty());
  CHECK(page.errors.front().resource_type == "tweet");
  // The first post is a repost: drawn as frankgore's original, in the repost's place.
  const items::Post& first = page.posts.front();
  CHECK(first.id == "1257786232978968578");
  CHECK(iso(first.created_at) == "2020-05-05T21:36:21Z");
  REQUIRE(first.repost);
  CHECK(first.repost->original_id == "1257755870282334208");
  CHECK(first.repost->by.username == "PhillyNEFL");
  CHECK(first.author.username == "frankgore");
  CHECK(first.text.rfind("#Year16", 0) == 0);
  REQUIRE_FALSE(first.entities.empty());
  CHECK(first.entities[0].kind == items::EntityKind::hashtag);
  CHECK(first.entities[0].text == "Year16");
  CHECK(first.metrics.reposts == 732);
  CHECK(first.is_repost());
  size_t reposts = 0;
  for (const auto& post : page.posts) reposts += post.repost ? 1 : 0;
  CHECK(reposts == 34);  // every repost on the page has its original in includes.tweets
  size_t with_media = 0;
  for (const auto& post : page.posts) with_media += post.media.empty() ? 0 : 1;
  CHECK(with_media > 0);
}

TEST_CASE("every sample handle reads cleanly, in day order") {
  REQUIRE(fs::is_directory(sample()));
  auto window = day_window("2026-11-24", "UTC");
  size_t handles = 0;
  for (const auto& entry : fs::directory_iterator(sample())) {
    if (!fs::exists(entry.path() / "user.json")) continue;
    ++handles;
    std::string handle = entry.path().filename().string();
    std::vector<std::string> warnings;
    StoredDay stored = read_stored_pages(sample().string(), handle, [&](const std::string& w) { warnings.push_back(w); });
    INFO(handle);
    for (const auto& warning : warnings) WARN(warning);
    CHECK(warnings.empty());
    CHECK(stored.user.username == handle);
    auto day = select_day(stored.posts, window);
    // data/sample/README.md: posts of 2026-11-24 per handle.
    static const std::map<std::string, size_t> expected{{"orbit_daily", 10}, {"sakura_lab", 8}, {"noor_souk", 8}};
    CHECK(day.size() == expected.at(handle));
    CHECK(day.size() < stored.posts.size());  // the sample holds posts of the days before and after
    for (size_t i = 0; i < day.size(); ++i) {
      CHECK(day[i].index == static_cast<int>(i));
      CHECK(day[i].day_count == static_cast<int>(day.size()));
      CHECK(window.contains(day[i].created_at));
      if (i > 0) CHECK(day[i - 1].created_at <= day[i].created_at);
      for (const auto& media : day[i].media) CHECK(media.url.rfind("file://", 0) == 0);
      // Entity offsets point at the entity in the decoded text (after &amp; became &).
      for (const auto& entity : day[i].entities) {
        INFO("post " << day[i].id);
        CHECK(slice_code_points(day[i].text, entity.start, entity.end) == entity_as_written(entity));
      }
    }
  }
  CHECK(handles == 3);
}

TEST_CASE("bad posts are rejected one by one, naming the file and the post") {
  std::vector<std::string> warnings;
  std::map<std::string, int> kinds;
  StoredDay stored = read_stored_pages(fixtures().string(), "broken_posts", [&](const std::string& kind, const std::string& w) {
    warnings.push_back(w);
    ++kinds[kind];
  });
  // Only posts without an id, a time or a text are skipped; a bad media key or entities field
  // costs only itself.
  REQUIRE(stored.posts.size() == 4);
  CHECK(stored.posts[0].id == "1001");
  CHECK(stored.posts[1].id == "1005");
  CHECK(stored.posts[1].text == "media key nobody included");
  CHECK(stored.posts[1].media.empty());
  CHECK(stored.posts[2].id == "1006");
  CHECK(stored.posts[2].entities.empty());
  CHECK(stored.posts[3].text == "good post & a missing photo");
  CHECK(warnings.size() == 5);
  CHECK(kinds == std::map<std::string, int>{{problem::post_skipped, 3}, {problem::bad_media, 1}, {problem::bad_entities, 1}});
  std::string page = (fixtures() / "broken_posts" / "pages" / "page-1.json").string();
  CHECK(any_contains(warnings, page + ": post 1002: missing field 'created_at'"));
  CHECK(any_contains(warnings, page + ": post 1003: field 'text' should be a string, not a number"));
  CHECK(any_contains(warnings, page + ": data[3]: missing field 'id'"));
  CHECK(any_contains(warnings, page + ": post 1005: media '3_ghost' is not in includes.media (dropped; the post is kept)"));
  CHECK(any_contains(warnings, page + ": post 1006: entities is not an object"));
}

TEST_CASE("a truncated first page fails the handle, naming the file, line and column") {
  std::string page = (fixtures() / "truncated" / "pages" / "page-1.json").string();
  CHECK_THROWS_WITH(read_stored_pages(fixtures().string(), "truncated", [](const std::string&) {}),
                    Catch::Contains(page + ":3:") && Catch::Contains("the JSON ends too early"));
}

TEST_CASE("a garbage later page loses only its own posts") {
  std::vector<std::string> warnings;
  StoredDay stored = read_stored_pages(fixtures().string(), "bad_next_page", [&](const std::string& w) { warnings.push_back(w); });
  CHECK(stored.posts.size() == 2);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("page-2.json:1:1: invalid JSON") != std::string::npos);
  auto day = select_day(stored.posts, day_window("2026-11-24", "UTC"));
  REQUIRE(day.size() == 2);
  CHECK(day[0].id == "3001");
}

TEST_CASE("a page that is only an API error fails the handle with the API's words") {
  CHECK_THROWS_WITH(read_stored_pages(fixtures().string(), "api_error", [](const std::string&) {}),
                    Catch::Contains("api_error/pages/page-1.json: the API answered with an error: Authorization Error: "
                                    "Sorry, you are not authorized"));
}

TEST_CASE("an unknown handle is refused, listing the stored ones") {
  CHECK_THROWS_WITH(read_stored_pages(fixtures().string(), "nobody_here", [](const std::string&) {}),
                    Catch::Contains("unknown handle 'nobody_here'") && Catch::Contains("api_error, bad_next_page, broken_posts, truncated"));
}

TEST_CASE("a user response with errors says why") {
  CHECK_THROWS_WITH(parse_user_response(R"({"errors":[{"title":"Not Found Error","detail":"Could not find user with username: [ghost]."}]})", "u.json"),
                    Catch::Contains("u.json: Not Found Error: Could not find user"));
  CHECK_THROWS_WITH(parse_user_response("[1,2]", "v.json"), Catch::Contains("v.json"));
}

TEST_CASE("select_day keeps the window, drops duplicates and orders by time then id") {
  auto post = [](std::string id, const std::string& time) {
    items::Post made;
    made.id = std::move(id);
    made.created_at = *parse_api_time(time);
    return made;
  };
  std::vector<items::Post> posts{post("20", "2026-11-24T10:00:00Z"), post("9", "2026-11-24T10:00:00Z"),
                                 post("20", "2026-11-24T10:00:00Z"), post("30", "2026-11-25T00:00:00Z")};
  auto day = select_day(posts, day_window("2026-11-24", "UTC"));
  REQUIRE(day.size() == 2);
  CHECK(day[0].id == "9");
  CHECK(day[1].id == "20");
}

// ---- Offline sources: the official X archive and twarc2 files ----

namespace {

fs::path archive_fixture() { return test::source_dir() / "tests" / "fixtures" / "archive" / "harbor_notes"; }
fs::path twarc2_fixture() { return test::source_dir() / "tests" / "fixtures" / "twarc2" / "lumen_atlas.jsonl"; }

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

const items::Post& post_with_id(const std::vector<items::Post>& posts, const std::string& id) {
  for (const auto& post : posts)
    if (post.id == id) return post;
  FAIL("no post " << id);
  throw std::logic_error("unreachable");
}

// Every entity's offsets point at its own text in the decoded post text (code points). A
// mention may differ in case: the API gives the account's username ("NBA" for "@nba").
void check_entity_offsets(const std::vector<items::Post>& posts) {
  for (const auto& post : posts)
    for (const auto& entity : post.entities) {
      INFO("post " << post.id << ": " << post.text);
      std::string written = slice_code_points(post.text, entity.start, entity.end);
      if (entity.kind == items::EntityKind::mention)
        CHECK(same_username(written, entity_as_written(entity)));
      else
        CHECK(written == entity_as_written(entity));
    }
}

std::string file_url(const fs::path& path) { return "file://" + fs::weakly_canonical(path).string(); }

// A minimal archive of @tiny_dock in `root`, with the given tweets file text.
void write_small_archive(const fs::path& root, const std::string& tweets_js) {
  write_file(root / "data" / "account.js",
             R"(window.YTD.account.part0 = [{"account": {"username": "tiny_dock", "accountId": "77", "accountDisplayName": "Tiny Dock"}}])");
  if (!tweets_js.empty()) write_file(root / "data" / "tweets.js", tweets_js);
}

}  // namespace

TEST_CASE("legacy created_at times") {
  CHECK(iso(*parse_legacy_time("Tue Nov 24 14:05:09 +0000 2026")) == "2026-11-24T14:05:09Z");
  CHECK(iso(*parse_legacy_time("Tue Nov 24 14:05:09 +0130 2026")) == "2026-11-24T12:35:09Z");
  CHECK(iso(*parse_legacy_time("Mon Nov 23 23:30:00 -0100 2026")) == "2026-11-24T00:30:00Z");
  CHECK_FALSE(parse_legacy_time("2026-11-24T14:05:09.000Z"));
  CHECK_FALSE(parse_legacy_time("Tue Feb 30 14:05:09 +0000 2026"));
  CHECK_FALSE(parse_legacy_time("Tue Nox 24 14:05:09 +0000 2026"));
  CHECK_FALSE(parse_legacy_time("Tuesday Nov 24 14:05:09 +0000 2026"));
  CHECK_FALSE(parse_legacy_time("Tue Nov 24 24:05:09 +0000 2026"));
  CHECK_FALSE(parse_legacy_time("Tue Nov 24 14:05:09 0000 2026 "));
  CHECK_FALSE(parse_legacy_time("Tue Nov -4 14:05:09 +0000 2026"));
}

TEST_CASE("an X archive: every field of every kind of tweet, local media first") {
  std::vector<std::string> warnings;
  // The handle matches the archive's account whatever its case.
  StoredDay stored = read_x_archive(archive_fixture().string(), "Harbor_Notes", [&](const std::string& w) { warnings.push_back(w); });
  fs::path data = archive_fixture() / "data";
  std::string tweets_js = (data / "tweets.js").string();

  // A tweet without a time is skipped; a bad entity costs only itself. Both are named with
  // their file and id.
  REQUIRE(warnings.size() == 2);
  CHECK(any_contains(warnings, tweets_js + ": tweet 2125258137400315904: created_at '2026-11-24 16:00:00' is not a time"));
  CHECK(any_contains(warnings, tweets_js + ": tweet 2125265687147515905: entities.hashtags needs 'indices' [start, end] "
                               "(dropped; the post is kept)"));
  CHECK(stored.posts.size() == 10);  // 10 in tweets.js, 1 in tweets-part1.js, minus the one without a time

  CHECK(stored.user.id == "1598312345678901248");
  CHECK(stored.user.username == "harbor_notes");
  CHECK(stored.user.name == "Harbor Notes \u2693");
  CHECK(stored.user.avatar_url == file_url(data / "profile_media" / "1598312345678901248-AnchorAvatar_400x400.png"));

  auto day = select_day(stored.posts, day_window("2026-11-24", "UTC"));
  REQUIRE(day.size() == 8);  // not the posts of 23:58 the day before and of midnight after
  std::vector<std::string> ids;
  for (const auto& post : day) ids.push_back(post.id);
  CHECK(ids == std::vector<std::string>{"2125132853539835904", "2125156215813115904", "2125190210647035904",
                                        "2125198427288571904", "2125215355499515904", "2125233097405435904",
                                        "2125265687147515905", "2125299661009915904"});
  check_entity_offsets(stored.posts);
  for (const auto& post : day) {
    const items::Author& poster = post.repost ? post.repost->by : post.author;
    CHECK(poster.username == "harbor_notes");
    CHECK(poster.avatar_url == stored.user.avatar_url);
    CHECK(post.day_count == 8);
    CHECK(post.day_reposts == 2);
  }

  // A photo, kept in tweets_media: a file:// URL; "&amp;" decoded, offsets moved with it.
  const items::Post& photo = day[0];
  CHECK(iso(photo.created_at) == "2026-11-24T07:42:10Z");
  CHECK(photo.text == "Fog over the breakwater & the #harbor at dawn. $FERRY runs late again https://t.co/Ph0toAbCdE");
  CHECK(photo.source == tweets_js);
  REQUIRE(photo.entities.size() == 3);
  CHECK(photo.entities[0].kind == items::EntityKind::hashtag);
  CHECK(photo.entities[0].text == "harbor");
  CHECK(photo.entities[0].start == 30);  // 34 in the escaped text
  CHECK(photo.entities[1].kind == items::EntityKind::cashtag);
  CHECK(photo.entities[1].text == "FERRY");
  CHECK(photo.entities[2].kind == items::EntityKind::url);
  CHECK(photo.entities[2].text == "https://t.co/Ph0toAbCdE");
  CHECK(photo.entities[2].display_url == "pic.twitter.com/Ph0toAbCdE");
  REQUIRE(photo.media.size() == 1);
  CHECK(photo.media[0].key == "3_2125132803208187907");
  CHECK(photo.media[0].type == "photo");
  fs::path local_photo = data / "tweets_media" / "2125132853539835904-GdFogDawnX1aQ.png";
  CHECK(photo.media[0].url == file_url(local_photo));
  CHECK(fs::file_size(local_photo) > 0);
  CHECK(photo.media[0].width == 96);
  CHECK(photo.media[0].height == 72);
  CHECK(photo.metrics.likes == 42);
  CHECK(photo.metrics.reposts == 5);
  CHECK(photo.referenced.empty());

  // A BMP emoji, an astral emoji and astral letters before the entities: offsets in code
  // points (UTF-16 would put the mention 3 further on).
  const items::Post& tides = day[1];
  CHECK(tides.text == "Tide table <3 \u2615\U0001F30A and \U0001D530\U0001D522\U0001D51E glass: thanks "
                      "@salt_marsh_lab! Charts at https://t.co/TideL1nk42 #tides");
  REQUIRE(tides.entities.size() == 3);
  CHECK(tides.entities[0].kind == items::EntityKind::mention);
  CHECK(tides.entities[0].text == "salt_marsh_lab");
  CHECK(tides.entities[0].start == 39);
  CHECK(tides.entities[0].end == 54);
  CHECK(tides.entities[1].display_url == "harbornotes.example/tides/2026-\u2026");
  CHECK(tides.entities[1].start == 66);
  CHECK(tides.entities[2].text == "tides");
  CHECK(tides.entities[2].end == 96);

  // A video: its preview image, which the archive does not keep, stays on https.
  const items::Post& video = day[2];
  REQUIRE(video.media.size() == 1);
  CHECK(video.media[0].type == "video");
  CHECK(video.media[0].key == "7_2125190105789435905");
  CHECK(video.media[0].url ==
        "https://pbs.twimg.com/ext_tw_video_thumb/2125190105789435905/pu/img/CraneThumb7Qx.jpg");
  CHECK(video.media[0].width == 1280);
  CHECK(video.metrics.likes == 88);

  const items::Post& reply = day[3];
  REQUIRE(reply.referenced.size() == 1);
  CHECK(reply.referenced[0].type == "replied_to");
  CHECK(reply.referenced[0].id == "2125197236106235906");
  REQUIRE(reply.referenced[0].author);
  CHECK(reply.referenced[0].author->username == "salt_marsh_lab");
  CHECK(reply.referenced[0].author->id == "1402987654321098752");
  CHECK_FALSE(reply.referenced[0].text);

  // The archive's own retweet form: "RT @name: ..." and no retweeted_status.
  const items::Post& archive_retweet = day[4];
  CHECK(archive_retweet.text ==
        "RT @port_authority_x: Night works on pier 4 tonight, 22:00\u201304:00 & detours for cyclists");
  REQUIRE(archive_retweet.referenced.size() == 1);
  CHECK(archive_retweet.referenced[0].type == "retweeted");
  CHECK(archive_retweet.referenced[0].id.empty());
  REQUIRE(archive_retweet.referenced[0].author);
  CHECK(archive_retweet.referenced[0].author->username == "port_authority_x");
  CHECK(archive_retweet.referenced[0].author->name == "Port Authority");
  CHECK(archive_retweet.metrics.reposts == 31);

  // A retweet with the v1.1 retweeted_status: drawn as the whole original, decoded, by its author.
  const items::Post& retweet = day[5];
  REQUIRE(retweet.repost);
  CHECK(retweet.repost->original_id == "2125137341445115908");
  CHECK(retweet.repost->by.username == "harbor_notes");
  CHECK(retweet.referenced.empty());
  CHECK(retweet.text == "Our #saltmarsh survey starts tomorrow: volunteers & waders welcome, meet at "
                        "the north slipway at 07:30");
  REQUIRE_FALSE(retweet.entities.empty());
  CHECK(retweet.entities[0].text == "saltmarsh");
  CHECK(retweet.author.name == "Salt Marsh Lab \U0001F33E");
  CHECK(retweet.author.avatar_url == "https://pbs.twimg.com/profile_images/1402987654321098752/Marsh_normal.jpg");

  // A tweet whose hashtag had no indices: kept, without that entity.
  CHECK(day[6].text == "Buoy #7 is back on station");
  CHECK(day[6].entities.empty());

  // From the second part file: an animated GIF, shown by its preview.
  const items::Post& gif = day[7];
  CHECK(gif.source == (data / "tweets-part1.js").string());
  REQUIRE(gif.media.size() == 1);
  CHECK(gif.media[0].type == "animated_gif");
  CHECK(gif.media[0].key == "16_2125299535180795909");
  CHECK(gif.media[0].url == "https://pbs.twimg.com/tweet_video_thumb/GullChips2b.jpg");
}

TEST_CASE("an archive of another account is refused, naming its account.js") {
  std::string account_js = (archive_fixture() / "data" / "account.js").string();
  CHECK_THROWS_WITH(read_x_archive(archive_fixture().string(), "lumen_atlas", [](const std::string&) {}),
                    Catch::Contains(account_js + ": this archive is @harbor_notes's, not @lumen_atlas's"));
}

TEST_CASE("missing or broken archive files fail the handle, naming the file") {
  test::TempDir temp("pipectl-archive");
  auto ignore = [](const std::string&) {};
  fs::path root = temp.path();

  CHECK_THROWS_WITH(read_x_archive(root.string(), "tiny_dock", ignore),
                    Catch::Contains((root / "data").string() + ": no such folder") &&
                        Catch::Contains("the folder holding data/"));
  fs::create_directories(root / "data");
  CHECK_THROWS_WITH(read_x_archive(root.string(), "tiny_dock", ignore),
                    Catch::Contains((root / "data" / "account.js").string() + ": cannot read the file"));

  write_small_archive(root, "");
  CHECK_THROWS_WITH(read_x_archive(root.string(), "tiny_dock", ignore),
                    Catch::Contains((root / "data" / "tweets.js").string() + ": cannot read the file"));

  std::string tweets_js = (root / "data" / "tweets.js").string();
  write_small_archive(root, "window.YTD.tweets.part0 = [\n  {\"tweet\": {\n    \"id_str\": \"1\",");
  CHECK_THROWS_WITH(read_x_archive(root.string(), "tiny_dock", ignore),
                    Catch::Contains(tweets_js + ":3:") && Catch::Contains("the JSON ends too early"));

  write_small_archive(root, "[]");
  CHECK_THROWS_WITH(read_x_archive(root.string(), "tiny_dock", ignore),
                    Catch::Contains(tweets_js + ":1:1: expected 'window.YTD.<name>.part0 = ...'"));

  write_small_archive(root, "window.YTD.tweets.part0 = {}");
  CHECK_THROWS_WITH(read_x_archive(root.string(), "tiny_dock", ignore),
                    Catch::Contains(tweets_js + ": expected an array of tweets, not an object"));

  write_file(root / "data" / "account.js", "window.YTD.account.part0 = [{\"account\": {\"accountId\": \"77\"}}]");
  CHECK_THROWS_WITH(read_x_archive(root.string(), "tiny_dock", ignore),
                    Catch::Contains("account.js: missing field 'username'"));
}

TEST_CASE("older and smaller archives: tweet.js without wrappers, manifest.js, a broken profile.js") {
  test::TempDir temp("pipectl-archive");
  fs::path data = temp.path() / "data";
  // An older archive: tweet.js, the tweets not wrapped in {"tweet": ...}, a closing semicolon,
  // and no account.js: the account comes from manifest.js.
  write_file(data / "manifest.js",
             "window.__THAR_CONFIG = {\n  \"userInfo\" : {\n    \"accountId\" : \"77\",\n    \"userName\" : \"Tiny_Dock\",\n"
             "    \"displayName\" : \"Tiny Dock\"\n  }\n};\n");
  write_file(data / "tweet.js",
             "window.YTD.tweet.part0 = [ {\n  \"id_str\" : \"2125156215813115999\",\n  \"full_text\" : \"Rope &gt; chain\",\n"
             "  \"created_at\" : \"Tue Nov 24 10:00:00 +0000 2026\",\n  \"favorite_count\" : \"1\"\n}, \"junk\" ];");
  write_file(data / "profile.js", "window.YTD.profile.part0 = [{\"profile\": {\"avatarMediaUrl\": 7}}]");
  std::vector<std::string> warnings;
  StoredDay stored = read_x_archive(temp.path().string(), "tiny_dock", [&](const std::string& w) { warnings.push_back(w); });
  CHECK(stored.user.username == "Tiny_Dock");
  CHECK(stored.user.id == "77");
  CHECK(stored.user.avatar_url.empty());
  REQUIRE(stored.posts.size() == 1);
  CHECK(stored.posts[0].text == "Rope > chain");
  CHECK(stored.posts[0].metrics.likes == 1);
  REQUIRE(warnings.size() == 2);
  CHECK(any_contains(warnings, (data / "profile.js").string() + ": field 'avatarMediaUrl' should be a string, not a number (no avatar)"));
  CHECK(any_contains(warnings, (data / "tweet.js").string() + ": entry 1: entry 1 should be an object, not a string (post skipped)"));
}

TEST_CASE("a twarc2 file: the handle's posts from every good line, every field mapped") {
  std::vector<std::string> warnings;
  std::string file = twarc2_fixture().string();
  StoredDay stored = read_twarc2(file, "lumen_atlas", [&](const std::string& w) { warnings.push_back(w); });

  // Line 2 is cut short; line 1 holds a post without created_at. Line 4 is blank and line 5
  // the empty last page of the timeline: neither is worth a warning.
  REQUIRE(warnings.size() == 2);
  CHECK(any_contains(warnings, file + ":2:") );
  CHECK(any_contains(warnings, "the JSON ends too early (truncated file?) (line skipped)"));
  CHECK(any_contains(warnings, file + ":1: post 2125243037905940483: missing field 'created_at' (post skipped)"));

  // The user comes from includes.users, with the case it has there.
  CHECK(stored.user.username == "Lumen_Atlas");
  CHECK(stored.user.id == "1501234567890123776");
  CHECK(stored.user.name == "Lumen Atlas \U0001F5FA\uFE0F");
  CHECK(stored.user.avatar_url == "https://pbs.twimg.com/profile_images/1501234999999999999/LumenMap_normal.jpg");
  CHECK(stored.posts.size() == 5);  // cartofest's posts are only in includes.tweets
  check_entity_offsets(stored.posts);

  auto day = select_day(stored.posts, day_window("2026-11-24", "UTC"));
  REQUIRE(day.size() == 4);  // not the post of the 23rd
  CHECK(day[0].id == "2125153699230740480");
  CHECK(day[3].id == "2125321051960340480");
  for (const auto& post : day) CHECK((post.repost ? post.repost->by : post.author).username == "Lumen_Atlas");

  const items::Post& photo = day[0];
  CHECK(photo.source == file + ":3");
  CHECK(iso(photo.created_at) == "2026-11-24T09:05:00Z");
  CHECK(photo.text == "Dawn survey > coffee \u2615\U0001F30A, \U0001D52A\U0001D51E\U0001D52D by @cartofest & me: "
                      "https://t.co/M4pDawn001 #OpenData $MAPS https://t.co/Ph0t0Lum01");
  REQUIRE(photo.entities.size() == 5);
  CHECK(photo.entities[0].text == "cartofest");
  CHECK(photo.entities[0].start == 32);  // 35 in the escaped text
  CHECK(photo.entities[3].kind == items::EntityKind::cashtag);
  CHECK(photo.entities[3].start == 83);
  CHECK(photo.entities[4].display_url == "pic.twitter.com/Ph0t0Lum01");
  REQUIRE(photo.media.size() == 1);
  CHECK(photo.media[0].key == "3_2125153447572500481");
  CHECK(photo.media[0].url == "https://pbs.twimg.com/media/GdLumDawnQ2.jpg");
  CHECK(photo.media[0].width == 1600);
  CHECK(photo.media[0].alt_text == "A survey tripod on a pier at dawn, the bay behind it");
  CHECK(photo.metrics.likes == 88);
  CHECK(photo.metrics.reposts == 6);
  CHECK(photo.metrics.quotes == 1);
  CHECK(photo.metrics.replies == 3);

  const items::Post& reply = day[1];
  REQUIRE(reply.referenced.size() == 1);
  CHECK(reply.referenced[0].type == "replied_to");
  CHECK(reply.referenced[0].text == std::optional<std::string>("@Lumen_Atlas which projection do you use for the harbour charts?"));
  REQUIRE(reply.referenced[0].author);
  CHECK(reply.referenced[0].author->username == "cartofest");

  const items::Post& video = day[2];
  REQUIRE(video.media.size() == 1);
  CHECK(video.media[0].type == "video");
  CHECK(video.media[0].url == "https://pbs.twimg.com/ext_tw_video_thumb/2125280534983700482/pu/img/BeamThumb4k.jpg");

  // The retweet is drawn as cartofest's original, in the retweet's place.
  const items::Post& retweet = day[3];
  CHECK(retweet.source == file + ":1");
  CHECK(retweet.id == "2125321051960340480");
  REQUIRE(retweet.repost);
  CHECK(retweet.repost->original_id == "2125303435883540480");
  CHECK(retweet.repost->by.username == "Lumen_Atlas");
  CHECK(retweet.author.username == "cartofest");
  CHECK(retweet.referenced.empty());
  CHECK(retweet.text == "Call for maps: the 2027 festival theme is \u201c"
                        "coastlines & light\u201d. Entries open today! #CartoFest2027");
}

TEST_CASE("a twarc2 file: other handles, empty files, error lines, flattened lines") {
  std::vector<std::string> warnings;
  auto collect = [&](const std::string& w) { warnings.push_back(w); };
  // cartofest appears in the file only as an included user: an empty day, not an error.
  StoredDay other = read_twarc2(twarc2_fixture().string(), "cartofest", collect);
  CHECK(other.posts.empty());
  CHECK(other.user.username == "cartofest");

  test::TempDir temp("pipectl-twarc2");
  fs::path empty = temp.path() / "empty.jsonl";
  write_file(empty, "");
  warnings.clear();
  StoredDay nothing = read_twarc2(empty.string(), "lumen_atlas", collect);
  CHECK(nothing.posts.empty());
  CHECK(warnings.empty());

  CHECK_THROWS_WITH(read_twarc2((temp.path() / "absent.jsonl").string(), "lumen_atlas", collect),
                    Catch::Contains("absent.jsonl: cannot read the file"));

  fs::path odd = temp.path() / "odd.jsonl";
  write_file(odd,
             "{\"errors\": [{\"title\": \"Authorization Error\", \"detail\": \"Sorry, you are not authorized to see the "
             "user with id: [42].\"}], \"__twarc\": {\"version\": \"2.14.0\"}}\r\n"
             "{\"id\": \"5\", \"text\": \"hi\", \"author\": {\"username\": \"lumen_atlas\"}, \"__twarc\": {}}\n"
             "[1, 2]\n");
  warnings.clear();
  StoredDay odd_day = read_twarc2(odd.string(), "lumen_atlas", collect);
  CHECK(odd_day.posts.empty());
  REQUIRE(warnings.size() == 3);
  CHECK(warnings[0] == odd.string() + ":1: the API answered with an error: Authorization Error: Sorry, you are not "
                                      "authorized to see the user with id: [42]. (line skipped)");
  CHECK(warnings[1].find(odd.string() + ":2: a single post, not an API response page") == 0);
  CHECK(warnings[2].find(odd.string() + ":3: expected a response object") == 0);
}

TEST_CASE("the reference archive and v1.1 tweets read in place") {
  fs::path shared = test::shared_dir();
  if (shared.empty()) {
    return test::skip("../shared/reference is absent, the real-archive test cannot run");
  }
  fs::path archive = shared / "reference" / "twitter-archive-example";
  // A real archive excerpt: data/tweets.js and manifest.js only (so the account comes from
  // manifest.js), every number a string.
  std::vector<std::string> warnings;
  StoredDay stored = read_x_archive(archive.string(), "DarkLiquid", [&](const std::string& w) { warnings.push_back(w); });
  CHECK(warnings.empty());
  CHECK(stored.user.username == "darkliquid");
  CHECK(stored.user.id == "15942882");
  CHECK(stored.posts.size() == 28);
  check_entity_offsets(stored.posts);
  size_t replies = 0;
  for (const auto& post : stored.posts)
    for (const auto& reference : post.referenced) replies += reference.type == "replied_to" ? 1 : 0;
  CHECK(replies == 23);
  CHECK(post_with_id(stored.posts, "1607434750175715329").text == "@SEGA Sonic 3 & Knuckles");
  const items::Post& photo = post_with_id(stored.posts, "1541752634348019715");
  CHECK(iso(photo.created_at) == "2022-06-28T11:57:27Z");
  CHECK(photo.metrics.likes == 3);
  REQUIRE(photo.media.size() == 1);
  CHECK(photo.media[0].key == "3_1541752552856887298");
  CHECK(photo.media[0].url == "https://pbs.twimg.com/media/FWVnxzyWIAIEZU3.png");  // no tweets_media/ here
  CHECK(photo.media[0].width == 640);
  CHECK(photo.media[0].height == 480);

  // v1.1 API objects (numbers as numbers, `text` in compat mode, retweeted and quoted
  // statuses, a video, astral emoji): the same parser.
  items::Author author;
  author.username = "someone";
  std::vector<items::Post> posts;
  for (const auto& entry : fs::directory_iterator(archive / "v1.1-api")) {
    std::string file = entry.path().string();
    boost::json::value document = parse_json(read_file(file), file);
    std::vector<const boost::json::object*> tweets;
    if (document.is_array())
      for (const auto& tweet : document.get_array()) tweets.push_back(&tweet.get_object());
    else
      tweets.push_back(&document.get_object());
    for (const auto* tweet : tweets) {
      INFO(file);
      PostProblems problems;
      posts.push_back(parse_legacy_tweet(*tweet, author, file, problems));
      CHECK(problems.empty());
    }
  }
  CHECK(posts.size() == 10);
  check_entity_offsets(posts);
  const items::Post& video = post_with_id(posts, "778307811012780032");
  REQUIRE(video.media.size() == 1);
  CHECK(video.media[0].type == "video");
  CHECK(video.media[0].url == "https://pbs.twimg.com/media/CswaoY4UAAA8-Zj.jpg");
  CHECK(video.media[0].width == 1280);
  // A v1.1 retweet carries its original whole: it is drawn as Square's post.
  const items::Post& retweet = post_with_id(posts, "757986440818987008");
  REQUIRE(retweet.repost);
  CHECK(retweet.repost->original_id == "757985605737443328");
  CHECK(retweet.repost->by.username == "someone");
  CHECK(retweet.author.username == "Square");
  CHECK(retweet.text.rfind("RT @", 0) == std::string::npos);
  const items::Post& quote = post_with_id(posts, "850413178534211584");
  REQUIRE_FALSE(quote.referenced.empty());
  CHECK(quote.referenced[0].type == "quoted");
  CHECK(quote.referenced[0].id == "850408344175222784");
}

TEST_CASE("real twarc2 captures read in place") {
  fs::path shared = test::shared_dir();
  if (shared.empty()) {
    return test::skip("../shared/reference is absent, the real-twarc2 test cannot run");
  }
  fs::path payloads = shared / "reference" / "x-api-v2-payloads";
  std::vector<std::string> warnings;
  auto collect = [&](const std::string& w) { warnings.push_back(w); };
  // GET /2/users/:id/tweets as twarc2 timeline writes it (with "__twarc" and a partial error).
  StoredDay timeline = read_twarc2((payloads / "users_id_tweets_page.jsonl").string(), "phillynefl", collect);
  CHECK(warnings.empty());
  CHECK(timeline.user.username == "PhillyNEFL");
  CHECK(timeline.posts.size() == 100);
  check_entity_offsets(timeline.posts);
  // A lookup capture: one post with a video and an emoji before its URL.
  StoredDay lookup = read_twarc2((payloads / "media_tweet.jsonl").string(), "IgorBrigadir", collect);
  CHECK(warnings.empty());
  REQUIRE(lookup.posts.size() == 1);
  REQUIRE(lookup.posts[0].media.size() == 1);
  CHECK(lookup.posts[0].media[0].type == "video");
  CHECK(lookup.posts[0].media[0].url.rfind("https://", 0) == 0);
  check_entity_offsets(lookup.posts);
}

// ---- No post lost to something wrong elsewhere (issue 14) ----

namespace {

// A v2 page around `data` entries, with one included user (the author of every post).
std::string page_of(const std::string& data, const std::string& more_includes = "", const std::string& more_users = "") {
  return R"({"data": [)" + data + R"(], "includes": {"users": [{"id": "7", "name": "Seven", "username": "seven"})" +
         more_users + "]" + more_includes + R"(}, "meta": {"result_count": 3}})";
}

std::map<std::string, int> kinds_of(const std::vector<Problem>& problems) {
  std::map<std::string, int> kinds;
  for (const auto& found : problems) ++kinds[found.kind];
  return kinds;
}

}  // namespace

TEST_CASE("lone surrogates are marked only inside strings and only when alone") {
  CHECK_FALSE(mark_lone_surrogates(R"({"a": "\ud83d\ude00 fine", "b": "\u00e9"})"));
  // An escaped backslash followed by "ud800" is text, not an escape.
  CHECK_FALSE(mark_lone_surrogates(R"({"a": "\\ud800"})"));
  CHECK(mark_lone_surrogates(R"({"a": "x\ud800y"})") == std::optional<std::string>("{\"a\": \"x\xED\xA0\x80y\"}"));
  // A low half alone, and a high half followed by something that is not a low half.
  CHECK(mark_lone_surrogates(R"(["\udc00", "\ud83d\u0041"])") ==
        std::optional<std::string>("[\"\xED\xB0\x80\", \"\xED\xA0\xBD\\u0041\"]"));
  // Cut off at the very end of the text: left for the parser to call truncated.
  CHECK_FALSE(mark_lone_surrogates(R"(["\ud8)"));

  std::string text = "ok \xFF then \xED\xA0\x80 and \xE2\x82 end \xF0\x9F\x98\x80";
  CHECK(repair_utf8(text) == 3);
  // One U+FFFD for an encoded surrogate (ED A0 80), one for each maximal ill-formed subpart.
  CHECK(text == "ok \xEF\xBF\xBD then \xEF\xBF\xBD and \xEF\xBF\xBD end \xF0\x9F\x98\x80");
  std::string clean = "caf\xC3\xA9";
  CHECK(repair_utf8(clean) == 0);

  // Where each character of the repaired text came from: the same stretches repair_utf8 reads.
  const std::string raw = "ok \xFF then \xED\xA0\x80 and \xE2\x82 end \xF0\x9F\x98\x80";
  const std::vector<std::size_t> starts = character_starts(raw);
  REQUIRE(starts.size() == static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
                             return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
                           })) + 1);
  CHECK(starts[3] == 3);    // \xFF, one character
  CHECK(starts[4] == 4);
  CHECK(starts[10] == 10);  // the encoded surrogate, three bytes, one character
  CHECK(starts[11] == 13);
  CHECK(starts[16] == 18);  // \xE2\x82 cut short: one character
  CHECK(starts[17] == 20);
  CHECK(starts.back() == raw.size());
  CHECK(character_starts("caf\xC3\xA9") == std::vector<std::size_t>{0, 1, 2, 3, 5});
  CHECK(character_starts("") == std::vector<std::size_t>{0});
}

TEST_CASE("one bad character costs one character, never the page") {
  std::string page = page_of(
      R"({"id": "1", "author_id": "7", "created_at": "2026-11-24T09:00:00Z", "text": "cut emoji \ud83d"},)"
      R"({"id": "2", "author_id": "7", "created_at": "2026-11-24T10:00:00Z", "text": "bad byte )" "\xFF" R"( here"},)"
      R"({"id": "3", "author_id": "7", "created_at": "2026-11-24T11:00:00Z", "text": "whole \ud83d\ude00 #tag",)"
      R"( "entities": {"hashtags": [{"start": 8, "end": 12, "tag": "tag"}]}})");
  TimelinePage parsed = parse_timeline_page(page, "page.json");
  REQUIRE(parsed.posts.size() == 3);
  CHECK(parsed.posts[0].text == "cut emoji \xEF\xBF\xBD");
  CHECK(parsed.posts[1].text == "bad byte \xEF\xBF\xBD here");
  CHECK(parsed.posts[2].text == "whole \xF0\x9F\x98\x80 #tag");
  REQUIRE(parsed.posts[2].entities.size() == 1);
  CHECK(kinds_of(parsed.problems) == std::map<std::string, int>{{problem::invalid_text, 2}});
  CHECK(any_contains({parsed.problems[0].message}, "page.json: post 1: 1 invalid characters"));
  CHECK(any_contains({parsed.problems[1].message}, "page.json: post 2: 1 invalid characters"));

  // A display name with a lone surrogate is repaired where it is: includes.users.
  TimelinePage named = parse_timeline_page(
      std::string_view(R"({"data": [{"id": "1", "author_id": "8", "created_at": "2026-11-24T09:00:00Z", "text": "hi"}],)"
                       R"( "includes": {"users": [{"id": "8", "name": "Ann \udc00", "username": "ann"}]}})"),
      "page.json");
  REQUIRE(named.posts.size() == 1);
  CHECK(named.posts[0].author.name == "Ann \xEF\xBF\xBD");
  CHECK(kinds_of(named.problems) == std::map<std::string, int>{{problem::invalid_text, 1}});
  CHECK(any_contains({named.problems[0].message}, "page.json: includes.users[0]: 1 invalid characters"));
}

TEST_CASE("a bad entity, media key or reference is dropped; the post stays") {
  std::string page = page_of(
      R"({"id": "1", "author_id": "7", "created_at": "2026-11-24T09:00:00Z", "text": "hello @amy and @bob #x",)"
      R"( "entities": {"mentions": [{"start": -3, "end": 4, "username": "neg"}, {"start": 6, "end": 10, "username": "amy"},)"
      R"(   {"start": 8, "end": 12, "username": "overlap"}, {"start": 15, "end": 19, "username": "bob"},)"
      R"(   {"start": 20, "end": 99, "username": "past"}, {"username": "no range"}, "not an object"],)"
      R"(   "hashtags": {"oops": 1}},)"
      R"( "attachments": {"media_keys": ["3_ok", "3_ghost", 5]},)"
      R"( "referenced_tweets": [{"type": "quoted"}, {"type": "quoted", "id": "99"}],)"
      R"( "public_metrics": {"like_count": "many"}})",
      R"(, "media": [{"media_key": "3_ok", "type": "photo", "url": "https://example.org/a.jpg"}])");
  TimelinePage parsed = parse_timeline_page(page, "page.json");
  REQUIRE(parsed.posts.size() == 1);
  const items::Post& post = parsed.posts[0];
  CHECK(post.text == "hello @amy and @bob #x");
  REQUIRE(post.entities.size() == 2);
  CHECK(post.entities[0].text == "amy");
  CHECK(post.entities[1].text == "bob");
  REQUIRE(post.media.size() == 1);
  CHECK(post.media[0].key == "3_ok");
  REQUIRE(post.referenced.size() == 1);  // the quote that is not included: drawn as unavailable
  CHECK(post.referenced[0].id == "99");
  CHECK_FALSE(post.referenced[0].text);
  CHECK(post.metrics.likes == 0);
  // One warning per post and kind, however many entities were bad.
  CHECK(kinds_of(parsed.problems) == std::map<std::string, int>{{problem::bad_entities, 1},
                                                                {problem::bad_media, 1},
                                                                {problem::bad_reference, 1},
                                                                {problem::bad_field, 1}});
  for (const auto& found : parsed.problems) {
    INFO(found.message);
    CHECK(found.message.rfind("page.json: post 1: ", 0) == 0);
  }
  auto entities = std::find_if(parsed.problems.begin(), parsed.problems.end(),
                               [](const Problem& p) { return p.kind == problem::bad_entities; });
  CHECK(entities->message.find("a mention at [-1, 4) is not a range") != std::string::npos);
  CHECK(entities->message.find("and 3 more") != std::string::npos);

  // Only a missing id, time or text skips a post; its page goes on.
  TimelinePage skipped = parse_timeline_page(
      page_of(R"({"id": "1", "author_id": "7", "created_at": "2026-11-24T09:00:00Z"},)"
              R"({"id": "2", "author_id": "7", "created_at": "yesterday", "text": "t"},)"
              R"({"id": "3", "author_id": "7", "created_at": "2026-11-24T09:00:00Z", "text": "kept"},)"
              R"({"id": "4", "author_id": "nobody", "created_at": "2026-11-24T09:00:00Z", "text": "kept too"})"),
      "page.json");
  REQUIRE(skipped.posts.size() == 2);
  CHECK(skipped.posts[1].author.id == "nobody");
  CHECK(kinds_of(skipped.problems) ==
        std::map<std::string, int>{{problem::post_skipped, 2}, {problem::no_author, 1}});
}

TEST_CASE("a page that cannot be parsed is one lost page, with the posts it said it held") {
  CHECK(result_count_in(R"({"data": [], "meta": {"newest_id": "5", "result_count" : 42}})") == 42);
  CHECK_FALSE(result_count_in(R"({"data": [)"));
  test::TempDir temp;
  fs::path file = temp.path() / "day.jsonl";
  write_file(file, page_of(R"({"id": "1", "author_id": "7", "created_at": "2026-11-24T09:00:00Z", "text": "a"})") +
                       "\n" + R"({"data": [{"id": "2" "text": "no comma"}], "meta": {"result_count": 17}})" + "\n" +
                       page_of(R"({"id": "3", "author_id": "7", "created_at": "2026-11-24T09:00:00Z", "text": "\ud800"})") +
                       "\n");
  std::vector<Problem> found;
  StoredDay day = read_twarc2(file.string(), "seven", [&](const std::string& kind, const std::string& message) {
    found.push_back({kind, message});
  });
  CHECK(day.posts.size() == 2);
  REQUIRE(found.size() == 2);
  CHECK(found[0].kind == problem::page_lost);
  CHECK(found[0].message.find(file.string() + ":2:") == 0);
  CHECK(found[0].message.find("17 posts by its meta.result_count") != std::string::npos);
  CHECK(found[1].kind == problem::invalid_text);
}

TEST_CASE("reposts are the original post, in the repost's place; select_day counts them") {
  std::string page = page_of(
      R"({"id": "20", "author_id": "7", "created_at": "2026-11-24T09:00:00Z", "text": "RT @ann: the start of a long te\u2026",)"
      R"( "referenced_tweets": [{"type": "retweeted", "id": "10"}], "public_metrics": {"retweet_count": 500}},)"
      R"({"id": "21", "author_id": "7", "created_at": "2026-11-24T10:00:00Z", "text": "RT @gone: cut",)"
      R"( "referenced_tweets": [{"type": "retweeted", "id": "11"}]},)"
      R"({"id": "22", "author_id": "7", "created_at": "2026-11-24T11:00:00Z", "text": "mine",)"
      R"( "public_metrics": {"retweet_count": 2, "like_count": 3}})",
      R"(, "tweets": [{"id": "10", "author_id": "8", "created_at": "2026-11-20T08:00:00Z", "text": "the start of a long text",)"
      R"(   "note_tweet": {"text": "the start of a long text, and all the rest of it @bob",)"
      R"(      "entities": {"mentions": [{"start": 49, "end": 53, "username": "bob"}]}},)"
      R"(   "attachments": {"media_keys": ["3_p"]}, "public_metrics": {"retweet_count": 500, "like_count": 9000},)"
      R"(   "referenced_tweets": [{"type": "quoted", "id": "5"}]}],)"
      R"( "media": [{"media_key": "3_p", "type": "photo", "url": "https://example.org/p.jpg"}])",
      R"(, {"id": "8", "name": "Ann", "username": "ann"})");
  TimelinePage parsed = parse_timeline_page(page, "page.json");
  for (const auto& found : parsed.problems) WARN(found.message);
  CHECK(parsed.problems.empty());
  REQUIRE(parsed.posts.size() == 3);
  const items::Post& repost = parsed.posts[0];
  REQUIRE(repost.repost);
  CHECK(repost.id == "20");
  CHECK(iso(repost.created_at) == "2026-11-24T09:00:00Z");
  CHECK(repost.repost->original_id == "10");
  CHECK(iso(repost.repost->original_created_at) == "2026-11-20T08:00:00Z");
  CHECK(repost.repost->by.username == "seven");
  CHECK(repost.author.username == "ann");
  CHECK(repost.text == "the start of a long text, and all the rest of it @bob");
  REQUIRE(repost.entities.size() == 1);
  CHECK(repost.entities[0].text == "bob");
  REQUIRE(repost.media.size() == 1);
  CHECK(repost.media[0].url == "https://example.org/p.jpg");
  CHECK(repost.metrics.likes == 9000);
  REQUIRE(repost.referenced.size() == 1);
  CHECK(repost.referenced[0].type == "quoted");
  // Not included: the repost's own text, still known as a repost.
  CHECK_FALSE(parsed.posts[1].repost);
  CHECK(parsed.posts[1].is_repost());
  CHECK_FALSE(parsed.posts[2].is_repost());

  std::vector<items::Post> posts = parsed.posts;
  posts.push_back(parsed.posts[2]);  // the same post twice, as on two pages
  std::vector<std::string> warnings;
  auto day = select_day(posts, day_window("2026-11-24", "UTC"), [&](const std::string& kind, const std::string& message) {
    CHECK(kind == problem::duplicate);
    warnings.push_back(message);
  });
  REQUIRE(day.size() == 3);
  CHECK(day[0].day_reposts == 2);
  CHECK(warnings.size() == 1);
}

TEST_CASE("the real page's reposts of 2020-04-24 are drawn as the originals, with full texts") {
  fs::path shared = test::shared_dir();
  if (shared.empty()) {
    return test::skip("../shared/reference is absent, the real-payload test cannot run");
  }
  std::vector<std::string> warnings;
  StoredDay stored = read_twarc2((shared / "reference" / "x-api-v2-payloads" / "users_id_tweets_page.jsonl").string(),
                                 "phillynefl", [&](const std::string& w) { warnings.push_back(w); });
  CHECK(warnings.empty());
  auto day = select_day(stored.posts, day_window("2020-04-24", "America/New_York"));
  std::map<std::string, const items::Post*> reposts;
  for (const auto& post : day)
    if (post.repost) reposts[post.author.username] = &post;
  REQUIRE(reposts.size() == 3);
  const items::Post& sports = *reposts.at("SportsCenter");
  CHECK(sports.id == "1253794386602844161");
  CHECK(sports.repost->by.username == "PhillyNEFL");
  CHECK(sports.text ==
        "For the first time in the common draft era, the top 3 picks in the #NFLDraft were teammates at some point in "
        "college. https://t.co/TsoXtB6Tst");
  CHECK(sports.metrics.reposts == 3138);
  // twarc2 did not ask for the originals' media (referenced_tweets.id.attachments.media_keys):
  // what the page includes is drawn, and a missing picture is no fault of the data.
  const items::Post& bleacher = *reposts.at("BleacherReport");
  REQUIRE(bleacher.media.size() == 1);
  CHECK(bleacher.media[0].type == "video");
  CHECK(bleacher.text.find("\xF0\x9F\x8C\x80") != std::string::npos);  // the cyclone emoji, whole
  CHECK(bleacher.text.find("\xE2\x80\xA6") == std::string::npos);      // no "…" of a cut text
  CHECK(reposts.at("marshawright")->text.find("#influencermarketing") != std::string::npos);
  CHECK(day.front().day_reposts == 3);
}

TEST_CASE("a text longer than any X post is cut, its entities past the cut dropped") {
  const std::string long_text = "#start " + std::string(items::Post::max_text_code_points, 'x') + " #end";
  TimelinePage parsed = parse_timeline_page(
      page_of(R"({"id": "1", "author_id": "7", "created_at": "2026-11-24T09:00:00Z", "text": ")" + long_text +
              R"(", "entities": {"hashtags": [{"start": 0, "end": 6, "tag": "start"}, )"
              R"({"start": 50008, "end": 50012, "tag": "end"}]}})"),
      "page.json");
  REQUIRE(parsed.posts.size() == 1);
  CHECK(parsed.posts[0].text.size() == items::Post::max_text_code_points);
  REQUIRE(parsed.posts[0].entities.size() == 1);
  CHECK(parsed.posts[0].entities[0].text == "start");
  REQUIRE(parsed.problems.size() == 1);
  CHECK(parsed.problems[0].kind == problem::oversized_text);
  CHECK(parsed.problems[0].message == "page.json: post 1: its text has 50012 characters; the first 50000 are kept");
}

TEST_CASE("live answers keep only http(s) pictures: a server cannot make a card read this machine's files") {
  StoredDay day;
  day.user.avatar_url = "file:///etc/passwd";
  items::Post post;
  post.id = "1";
  post.author.avatar_url = "https://cdn.example/avatar.jpg";
  post.media.push_back({.key = "m", .type = "photo", .url = "/home/someone/secret.png", .width = 0, .height = 0,
                        .alt_text = ""});
  post.link = items::LinkCard{"https://example.com", "Title", "", "file:///root/thumb.png"};
  post.entities.push_back({.kind = items::EntityKind::custom_emoji, .start = 0, .end = 6, .text = "blob",
                           .display_url = "", .image_url = "http://social.example/emoji/blob.png"});
  day.posts.push_back(post);
  std::vector<std::string> warnings;
  keep_web_pictures(day, "mastodon", [&](const std::string& kind, const std::string& message) {
    warnings.push_back(kind + ": " + message);
  });
  CHECK(day.user.avatar_url.empty());
  const items::Post& kept = day.posts.front();
  CHECK(kept.author.avatar_url == "https://cdn.example/avatar.jpg");
  CHECK(kept.media.front().url.empty());
  CHECK(kept.link->thumb_url.empty());
  CHECK(kept.entities.front().image_url == "http://social.example/emoji/blob.png");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings.front() == "post with bad media: mastodon, post 1: 2 picture URL(s) that are not http(s) were left out");
}

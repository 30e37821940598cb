// The fetch module: the X API v2 page parser on real and sample data and on broken input,
// the day window in time zones, and the stored-pages source.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "day_window.hpp"
#include "select_day.hpp"
#include "stored_pages.hpp"
#include "support/fixture_graph.hpp"
#include "support/paths.hpp"
#include "timeline_page.hpp"

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

// Code points [start, end) of UTF-8 `text`, as UTF-8.
std::string slice_code_points(const std::string& text, int start, int end) {
  std::string result;
  int index = -1;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++index;
    if (index >= start && index < end) result += text[i];
  }
  return result;
}

std::string entity_as_written(const items::Entity& entity) {
  switch (entity.kind) {
    case items::EntityKind::hashtag: return "#" + entity.text;
    case items::EntityKind::mention: return "@" + entity.text;
    case items::EntityKind::cashtag: return "$" + entity.text;
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
    WARN("SKIPPED: ../shared/reference is absent, the real-payload test cannot run");
    return;
  }
  std::ifstream in(shared / "reference" / "x-api-v2-payloads" / "users_id_tweets_page.jsonl");
  std::string line;
  REQUIRE(std::getline(in, line));
  TimelinePage page = parse_timeline_page(line, "users_id_tweets_page.jsonl");
  CHECK(page.rejected.empty());
  CHECK(page.posts.size() == 100);
  CHECK(page.next_token == std::optional<std::string>("7140dibdnow9c7btw3t3bne6afapt2a6nif3ncl044raq"));
  CHECK_FALSE(page.errors.empty());
  CHECK(page.errors.front().resource_type == "tweet");
  const items::Post& first = page.posts.front();
  CHECK(first.id == "1257786232978968578");
  CHECK(iso(first.created_at) == "2020-05-05T21:36:21Z");
  CHECK(first.referenced.at(0).type == "retweeted");
  REQUIRE(first.entities.size() == 2);
  CHECK(first.entities[0].kind == items::EntityKind::mention);
  CHECK(first.entities[0].text == "frankgore");
  CHECK(first.metrics.reposts == 732);
  CHECK_FALSE(first.author.username.empty());
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
  StoredDay stored = read_stored_pages(fixtures().string(), "broken_posts", [&](const std::string& w) { warnings.push_back(w); });
  REQUIRE(stored.posts.size() == 2);
  CHECK(stored.posts[0].id == "1001");
  CHECK(stored.posts[1].text == "good post & a missing photo");
  CHECK(warnings.size() == 5);
  std::string page = (fixtures() / "broken_posts" / "pages" / "page-1.json").string();
  CHECK(any_contains(warnings, page + ": post 1002: missing field 'created_at'"));
  CHECK(any_contains(warnings, page + ": post 1003: field 'text' should be a string, not a number"));
  CHECK(any_contains(warnings, page + ": data[3]: missing field 'id'"));
  CHECK(any_contains(warnings, page + ": post 1005: media '3_ghost' is not in includes.media"));
  CHECK(any_contains(warnings, page + ": post 1006: field 'entities' should be an object, not a string"));
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

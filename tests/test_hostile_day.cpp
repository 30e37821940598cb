// Integration: a day full of hostile posts through the whole graph (`pipectl run`, stored
// source, real render and encode). Every post of the day must become one card, each problem one
// warning of its kind, and nothing may crash; the video is checked with ffprobe.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <regex>

#include "support/fixture_graph.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"

using namespace pipectl;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

std::string repeat(const std::string& unit, int times) {
  std::string text;
  text.reserve(unit.size() * static_cast<size_t>(times));
  for (int i = 0; i < times; ++i) text += unit;
  return text;
}

void write_bytes(const fs::path& file, const std::string& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << bytes;
}

// A PNG signature and an IHDR chunk that claims `width` x `height`, and nothing after it.
std::string png_header_claiming(std::uint32_t width, std::uint32_t height) {
  std::string png = "\x89PNG\r\n\x1a\n";
  auto be32 = [&](std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) png += static_cast<char>((value >> shift) & 0xFF);
  };
  be32(13);
  png += "IHDR";
  be32(width);
  be32(height);
  png += std::string("\x08\x06\x00\x00\x00", 5);
  be32(0);  // a CRC nobody checked
  return png;
}

struct HostileDay {
  fs::path dataset;
  int posts_of_the_day = 0;
};

// Markers replaced after serialising: JSON that no serialiser writes on its own.
constexpr const char* lone_high = "@@LONE_HIGH@@";
constexpr const char* bad_byte = "@@BAD_BYTE@@";

HostileDay write_hostile_day(const fs::path& root) {
  HostileDay day;
  day.dataset = root / "dataset";
  const fs::path handle = day.dataset / "hostile";
  write_bytes(day.dataset / "media" / "truncated.png", png_header_claiming(64, 64).substr(0, 20));
  write_bytes(day.dataset / "media" / "huge.png", png_header_claiming(100000, 100000));
  write_bytes(day.dataset / "media" / "garbage.jpg", std::string("\xFF\xD8\xFF\xE0").append(repeat("\x13\x37", 4000)));
  write_bytes(day.dataset / "media" / "empty.gif", "");

  json::object user{{"id", "66"}, {"username", "hostile"},
                    {"name", "\u202Egnissorc\u202C Hostile \u2067\u2067"},
                    {"profile_image_url", "media/truncated.png"}};
  write_bytes(handle / "user.json", json::serialize(json::object{{"data", user}}));

  json::array data;
  int next_id = 1000;
  auto post = [&](const std::string& text, const std::string& time = "2026-11-24T12:00:00.000Z") {
    json::object object{{"id", std::to_string(++next_id)}, {"author_id", "66"}, {"created_at", time}, {"text", text}};
    if (time.rfind("2026-11-24", 0) == 0) ++day.posts_of_the_day;
    return object;
  };
  data.push_back(post(std::string("\U0001F469").append(repeat("\u200D\U0001F469", 3000))));  // a flood of joiners
  data.push_back(post(std::string("a").append(repeat("\u0301", 6000)).append(" b").append(repeat("\u0E49", 3000))));
  data.push_back(post("\u202Eevil override\u202C then \u2066\u2067unbalanced isolates"));
  data.push_back(post(std::string("cut emoji ") + lone_high + " and a bad byte " + bad_byte));
  data.push_back(post(std::string("controls \x01\x07\x1B[31m red \x08\x7F") + "\u0085 end"));
  data.push_back(post(repeat("w", 60000)));                                  // a huge word
  json::object note = post("a long note, cut short\u2026");
  note["note_tweet"] = json::object{{"text", repeat("word ", 25000)}};       // a huge note
  data.push_back(note);
  json::object entities = post("@amy #tag https://t.co/x $CASH");
  entities["entities"] = json::object{
      {"mentions", json::array{json::object{{"start", -3}, {"end", 4}, {"username", "amy"}},
                               json::object{{"start", 0}, {"end", 1000000000000LL}, {"username", "huge"}}}},
      {"hashtags", json::array{json::object{{"start", 2}, {"end", 9}, {"tag", "overlap"}}, json::object{{"start", 5}}}},
      {"urls", "not a list"},
      {"cashtags", json::array{json::object{{"start", 25}, {"end", 30}, {"tag", "CASH"}}}}};
  data.push_back(entities);
  json::object pictures = post("broken and oversized pictures");
  pictures["attachments"] = json::object{{"media_keys", json::array{"3_trunc", "3_huge", "3_garbage", "3_empty", "3_nowhere"}}};
  data.push_back(pictures);
  json::object quote = post("quoting a post nobody has any more");
  quote["referenced_tweets"] = json::array{json::object{{"type", "quoted"}, {"id", "424242"}}};
  data.push_back(quote);
  json::object repost = post("RT @ann: the start of a long te\u2026");
  repost["referenced_tweets"] = json::array{json::object{{"type", "retweeted"}, {"id", "777"}}};
  data.push_back(repost);
  data.push_back(post(repeat("\n", 5000).append("after many lines")));
  json::object many = post("seven pictures, where a post has at most four");
  many["attachments"] = json::object{{"media_keys", json::array{"3_ok", "3_ok", "3_ok", "3_ok", "3_ok", "3_ok", "3_ok"}}};
  json::value deep = json::object{};
  for (int level = 0; level < 300; ++level) deep = json::object{{"x", deep}};
  many["an_unknown_field"] = deep;  // nested deeper than Boost.JSON's default limit of 32
  data.push_back(many);
  data.push_back(post(repeat("\U0001F600\uFE0F", 3000)));                   // emoji and selectors
  data.push_back(post("the day before", "2026-11-23T23:59:59.000Z"));
  data.push_back(post("the day after", "2026-11-25T00:00:00.000Z"));
  json::object twice = post("seen on two pages");
  data.push_back(twice);

  json::array media{
      json::object{{"media_key", "3_trunc"}, {"type", "photo"}, {"url", "media/truncated.png"}},
      json::object{{"media_key", "3_huge"}, {"type", "photo"}, {"url", "media/huge.png"}, {"width", 100000}, {"height", 100000}},
      json::object{{"media_key", "3_garbage"}, {"type", "photo"}, {"url", "media/garbage.jpg"}},
      json::object{{"media_key", "3_empty"}, {"type", "animated_gif"}, {"preview_image_url", "media/empty.gif"}},
      json::object{{"media_key", "3_orig"}, {"type", "photo"}, {"url", "media/missing.png"}},
      json::object{{"media_key", "3_ok"}, {"type", "photo"},
                   {"url", "file://" + (test::source_dir() / "data/sample/media/square-dome.png").string()}}};
  json::object original{{"id", "777"}, {"author_id", "8"}, {"created_at", "2026-11-20T08:00:00.000Z"},
                        {"text", "the start of a long text, whole"},
                        {"attachments", json::object{{"media_keys", json::array{"3_orig"}}}}};
  json::array users{user, json::object{{"id", "8"}, {"username", "ann"}, {"name", "\u202EnnA"}}};
  json::object page{{"data", data},
                    {"includes", json::object{{"users", users}, {"media", media}, {"tweets", json::array{original}}}},
                    {"meta", json::object{{"result_count", data.size()}, {"next_token", "page-2"}}}};
  std::string text = json::serialize(page);
  text.replace(text.find(lone_high), std::string(lone_high).size(), "\\ud83d");
  text.replace(text.find(bad_byte), std::string(bad_byte).size(), "\xC3\x28");
  write_bytes(handle / "pages" / "page-1.json", text);
  // Page 2: the same post again (one card), then a page that cannot be parsed at all.
  json::object again{{"data", json::array{twice}}, {"meta", json::object{{"result_count", 1}, {"next_token", "page-3"}}}};
  write_bytes(handle / "pages" / "page-2.json", json::serialize(again));
  write_bytes(handle / "pages" / "page-3.json", R"({"data": [{"id": "9" "oops"}], "meta": {"result_count": 12}})");
  return day;
}

}  // namespace

TEST_CASE("a day of hostile posts: one card per post of the day, a warning for each problem, no crash") {
  test::TempDir temp;
  HostileDay day = write_hostile_day(temp.path());
  fs::path graph = test::write_fixture_graph(temp.path() / "hostile.graph", day.dataset);
  fs::path out = temp.path() / "out";
  auto run = test::run_command(test::shell_quote(test::pipectl_binary()) + " run " + test::shell_quote(graph.string()) +
                               " --handles hostile --date 2026-11-24 --out " + test::shell_quote(out.string()) +
                               " --events " + test::shell_quote((temp.path() / "events.jsonl").string()));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);

  // Title card, one card per post of the day (the duplicate once), end card; 1 s each.
  fs::path video = out / "hostile" / "2026-11-24.mp4";
  REQUIRE(fs::exists(video));
  test::VideoProbe probe = test::probe_video(video);
  CHECK(probe.duration == Approx(day.posts_of_the_day + 2).margin(0.05));
  CHECK(day.posts_of_the_day == 15);

  // Every problem is one warning of its kind, counted in the events and the summary.
  std::map<std::string, int> kinds;
  std::ifstream events(temp.path() / "events.jsonl");
  std::string line;
  json::object finished;
  while (std::getline(events, line)) {
    json::object event = json::parse(line).as_object();
    if (event.at("event") == "warning") ++kinds[std::string(event.at("kind").as_string())];
    if (event.at("event") == "finished") finished = event;
  }
  for (const auto& [kind, count] : kinds) UNSCOPED_INFO(kind << ": " << count);
  CHECK(kinds["post with invalid characters"] == 1);
  CHECK(kinds["post with bad entities"] == 1);
  CHECK(kinds["post with bad media"] == 2);       // 3_nowhere; seven pictures
  CHECK(kinds["post seen twice"] == 1);
  CHECK(kinds["post with an oversized text"] == 2);  // the huge word and the huge note
  CHECK(kinds["page lost"] == 1);
  CHECK(kinds["picture not loaded"] >= 4);        // truncated, huge, garbage, empty, the avatar
  REQUIRE(finished.contains("warnings"));
  CHECK(finished.at("warnings").as_object().at("page lost").as_int64() == 1);
  CHECK(run.output.find("1 page lost") != std::string::npos);
  CHECK(run.output.find("1 post with bad entities") != std::string::npos);
  CHECK(run.output.find("12 by its meta.result_count") != std::string::npos);
}

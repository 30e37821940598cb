// The Bluesky source: the getProfile / getAuthorFeed parser on our fixtures
// (tests/fixtures/bluesky) and on the real examples in ../shared/reference/bluesky (read in
// place), facets as UTF-8 byte ranges, embeds, reposts, pins, problems, the stored layout, and
// the live client's paging and refusals against a loopback HTTP server.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <mutex>

#include "bluesky_errors.hpp"
#include "bluesky_facets.hpp"
#include "bluesky_feed.hpp"
#include "bluesky_source.hpp"
#include "rfc3339_time.hpp"
#include "select_day.hpp"
#include "support/loopback_server.hpp"
#include "support/code_points.hpp"
#include "support/paths.hpp"
#include "support/skip.hpp"

using namespace pipectl;
using namespace pipectl::fetch;
namespace fs = std::filesystem;
namespace json = boost::json;
using items::EntityKind;

namespace {

fs::path fixtures() { return test::source_dir() / "tests" / "fixtures" / "bluesky"; }
fs::path examples() {
  fs::path shared = test::shared_dir();
  return shared.empty() ? fs::path() : shared / "reference" / "bluesky" / "examples";
}

const std::string kelp = "kelpwatch.example";

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

using test::slice_code_points;

// "2026-11-24T10:00:00" in UTC.
std::chrono::sys_seconds utc(const std::string& text) { return parse_rfc3339(text + "Z").value(); }

// A getAuthorFeed page of the given entries (feedViewPost objects or postViews wrapped as posts).
std::string feed_of(const json::array& entries) { return json::serialize(json::object{{"feed", entries}}); }
std::string feed_of_post(const json::value& post_view) { return feed_of(json::array{json::object{{"post", post_view}}}); }

struct Warnings {
  std::vector<std::pair<std::string, std::string>> list;  // kind, message
  Warn warn() {
    return [this](const std::string& kind, const std::string& message) { list.emplace_back(kind, message); };
  }
  bool has(const std::string& kind, const std::string& words) const {
    for (const auto& [k, m] : list)
      if (k == kind && m.find(words) != std::string::npos) return true;
    return false;
  }
};

std::vector<std::string> problem_texts(const std::vector<Problem>& problems) {
  std::vector<std::string> texts;
  for (const auto& found : problems) texts.push_back(found.kind + ": " + found.message);
  return texts;
}

const items::Post& with_text(const std::vector<items::Post>& posts, const std::string& start) {
  for (const auto& post : posts)
    if (post.text.starts_with(start)) return post;
  FAIL("no post starts with '" << start << "'");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("facets are UTF-8 byte ranges: each lands on exactly its characters") {
  // "¡Hola " is 7 bytes but 6 characters, 🐙 4 bytes and 1 character.
  const std::string text = "¡Hola @ana.example! 🐙 #mar y ver.example/…";
  auto range = [&](const std::string& part) {
    const size_t at = text.find(part);
    return json::object{{"byteStart", at}, {"byteEnd", at + part.size()}};
  };
  json::array facets{
      json::object{{"index", range("@ana.example")},
                   {"features", json::array{json::object{{"$type", "app.bsky.richtext.facet#mention"}, {"did", "did:plc:ana"}}}}},
      json::object{{"index", range("#mar")},
                   {"features", json::array{json::object{{"$type", "app.bsky.richtext.facet#tag"}, {"tag", "mar"}}}}},
      // a feature of a later lexicon first: the known one after it counts
      json::object{{"index", range("ver.example/…")},
                   {"features", json::array{json::object{{"$type", "app.bsky.richtext.facet#bold"}},
                                            json::object{{"$type", "app.bsky.richtext.facet#link"},
                                                         {"uri", "https://ver.example/a/long/path"}}}}}};
  PostProblems problems;
  std::vector<items::Entity> entities = facet_entities(text, facets, problems);
  CHECK(problems.empty());
  REQUIRE(entities.size() == 3);
  CHECK(entities[0].kind == EntityKind::mention);
  CHECK(entities[0].start == 6);
  CHECK(entities[0].end == 18);
  CHECK(entities[0].text == "ana.example");  // the handle shown, not the DID
  CHECK(entities[1].kind == EntityKind::hashtag);
  CHECK(slice_code_points(text, entities[1].start, entities[1].end) == "#mar");
  CHECK(entities[1].start == 22);
  CHECK(entities[2].kind == EntityKind::url);
  CHECK(entities[2].text == "https://ver.example/a/long/path");
  CHECK(entities[2].display_url == "ver.example/…");
  CHECK(slice_code_points(text, entities[2].start, entities[2].end) == "ver.example/…");

  // Bad facets are dropped one by one, each noted; a facet with no known feature is no error.
  json::array bad{
      json::object{{"index", json::object{{"byteStart", 0}, {"byteEnd", 1}}},  // inside "¡" (2 bytes)
                   {"features", json::array{json::object{{"$type", "app.bsky.richtext.facet#tag"}, {"tag", "x"}}}}},
      json::object{{"index", json::object{{"byteStart", 40}, {"byteEnd", 400}}},
                   {"features", json::array{json::object{{"$type", "app.bsky.richtext.facet#tag"}, {"tag", "x"}}}}},
      json::object{{"index", json::object{{"byteStart", "7"}, {"byteEnd", 9}}},
                   {"features", json::array{json::object{{"$type", "app.bsky.richtext.facet#tag"}, {"tag", "x"}}}}},
      json::object{{"index", json::object{{"byteStart", 2}, {"byteEnd", 6}}},
                   {"features", json::array{json::object{{"$type", "app.bsky.richtext.facet#future"}}}}},
      json::object{{"index", json::object{{"byteStart", 2}, {"byteEnd", 6}}},
                   {"features", json::array{json::object{{"$type", "app.bsky.richtext.facet#link"}, {"uri", 5}}}}},
      "not a facet"};
  PostProblems bad_problems;
  CHECK(facet_entities(text, bad, bad_problems).empty());
  std::vector<Problem> reported;
  bad_problems.report("post x", reported);
  REQUIRE(reported.size() == 1);
  CHECK(reported[0].kind == problem::bad_entities);
  CHECK_THAT(reported[0].message, Catch::Contains("a facet at bytes [0, 1): it cuts a character in two") &&
                                      Catch::Contains("a facet at bytes [40, 400): it is not inside the text") &&
                                      Catch::Contains("index.byteStart is not a whole number") &&
                                      Catch::Contains("and 2 more"));

  // Invalid bytes count as the one U+FFFD each becomes: a facet after them still lands right.
  const std::string broken = "a\xFF\xFE #tag";
  json::array after{json::object{{"index", json::object{{"byteStart", 4}, {"byteEnd", 8}}},
                                 {"features", json::array{json::object{{"$type", "app.bsky.richtext.facet#tag"}, {"tag", "tag"}}}}}};
  PostProblems none;
  auto tagged = facet_entities(broken, after, none);
  REQUIRE(tagged.size() == 1);
  CHECK(tagged[0].start == 4);  // a, U+FFFD, U+FFFD, space
  CHECK(tagged[0].end == 8);
}

TEST_CASE("the real examples' facets land on their mentions, tags and links") {
  if (examples().empty()) return test::skip("../shared/reference is absent, the real examples cannot be read");
  // A quoted post with five mentions after emoji: the first at byte 96 is character 86.
  json::value post = json::parse(read_text(examples() / "atat-posttests" / "postWithRecordEmbed.json"));
  const json::object& quoted = post.at("embed").at("record").at("value").as_object();
  const std::string text(quoted.at("text").as_string());
  PostProblems problems;
  auto mentions = facet_entities(text, quoted.at("facets"), problems);
  CHECK(problems.empty());
  REQUIRE(mentions.size() == 5);
  CHECK(mentions[0].start == 86);
  const char* handles[] = {"charliemchapman.com", "ryanashcraft.com", "teamneem.bsky.social", "edwardsanchez.bsky.social",
                           "launchedfm.com"};
  for (size_t i = 0; i < 5; ++i) {
    CHECK(mentions[i].kind == EntityKind::mention);
    CHECK(mentions[i].text == handles[i]);
    CHECK(slice_code_points(text, mentions[i].start, mentions[i].end) == std::string("@").append(handles[i]));
  }

  // A link shown shortened: the facet keeps the whole URI.
  json::value media = json::parse(read_text(examples() / "atat-posttests" / "postWithMedia.json"));
  const json::object& inner = media.at("embed").at("record").at("record").at("value").as_object();
  const std::string inner_text(inner.at("text").as_string());
  auto links = facet_entities(inner_text, inner.at("facets"), problems);
  REQUIRE(links.size() == 1);
  CHECK(links[0].text == "https://dame.is/ratingalttext");
  CHECK(links[0].display_url == "dame.is/ratingalttext");
  CHECK(slice_code_points(inner_text, links[0].start, links[0].end) == "dame.is/ratingalttext");

  // Tags after multibyte characters, in a whole post: parsed through the feed reader.
  json::value video = json::parse(read_text(examples() / "atat-posttests" / "postWithVideo.json"));
  auto page = parse_bluesky_feed(feed_of_post(video), "postWithVideo.json");
  INFO(Catch::Detail::stringify(problem_texts(page.problems)));
  CHECK(page.problems.empty());
  REQUIRE(page.posts.size() == 1);
  const items::Post& tags = page.posts[0];
  std::vector<std::string> written;
  for (const auto& entity : tags.entities) written.push_back(slice_code_points(tags.text, entity.start, entity.end));
  CHECK(written == std::vector<std::string>{"#swiftUI", "#iOS", "#beginner", "#code", "#keeplearning"});
  REQUIRE(tags.media.size() == 1);
  CHECK(tags.media[0].type == "video");
  CHECK(tags.media[0].url.ends_with("/thumbnail.jpg"));
  CHECK(tags.media[0].width == 1920);
}

TEST_CASE("the real examples: embeds, quotes, replies, reposts and pins as the cards need them") {
  if (examples().empty()) return test::skip("../shared/reference is absent, the real examples cannot be read");
  auto one_post = [](const fs::path& file) {
    auto page = parse_bluesky_feed(feed_of_post(json::parse(read_text(file))), file.filename().string());
    INFO(file << ": " << Catch::Detail::stringify(problem_texts(page.problems)));
    CHECK(page.problems.empty());
    REQUIRE(page.posts.size() == 1);
    return page.posts[0];
  };
  const fs::path atat = examples() / "atat-posttests";

  const items::Post images = one_post(atat / "postWithImagesEmbed.json");
  REQUIRE_FALSE(images.media.empty());
  CHECK(images.media[0].type == "photo");
  CHECK(images.media[0].url.find("feed_fullsize") != std::string::npos);
  CHECK(images.media[0].width > 0);

  const items::Post external = one_post(atat / "externalEmbed.json");
  REQUIRE(external.link);
  CHECK(external.link->url.starts_with("https://"));
  CHECK_FALSE(external.link->title.empty());
  CHECK(external.link->thumb_url.starts_with("https://cdn.bsky.app/img/feed_thumbnail/"));

  const items::Post quote = one_post(atat / "postWithRecordEmbed.json");
  REQUIRE(quote.referenced.size() == 1);
  CHECK(quote.referenced[0].type == "quoted");
  REQUIRE(quote.referenced[0].author);
  CHECK(quote.referenced[0].author->username == "deepdishswift.com");
  CHECK(quote.referenced[0].text->starts_with("Y\u2019all gave us some feedback"));
  CHECK(quote.created_at == utc("2025-02-07T21:14:11"));
  CHECK(quote.lang == "en");

  const items::Post with_media = one_post(atat / "postWithMedia.json");
  CHECK_FALSE(with_media.media.empty());
  REQUIRE(with_media.referenced.size() == 1);
  CHECK(with_media.referenced[0].text);

  // A reply known only from its record: a reply, to a post whose author the view does not give.
  const items::Post reply = one_post(atat / "postWithoutEmbed.json");
  REQUIRE(reply.referenced.size() == 1);
  CHECK(reply.referenced[0].type == "replied_to");
  CHECK(reply.referenced[0].id.starts_with("at://"));
  CHECK_FALSE(reply.referenced[0].author);

  // The AppView's video with a quote, and a thread's recordWithMedia whose record has no $type.
  const items::Post video = one_post(examples() / "postView.video-with-record.atproto-snapshot.json");
  REQUIRE(video.media.size() == 1);
  CHECK(video.media[0].type == "video");
  CHECK(video.media[0].alt_text == "alt text");
  REQUIRE(video.referenced.size() == 1);
  CHECK(video.referenced[0].type == "quoted");
  json::value thread = json::parse(read_text(examples() / "getPostThread.recordWithMedia.marshalx.json"));
  auto thread_page = parse_bluesky_feed(feed_of_post(thread.at("thread").at("post")), "thread");
  CHECK(thread_page.problems.empty());
  REQUIRE(thread_page.posts.size() == 1);
  CHECK_FALSE(thread_page.posts[0].media.empty());
  REQUIRE(thread_page.posts[0].referenced.size() == 1);
  CHECK(thread_page.posts[0].referenced[0].text);

  // A real repost: the original, placed at the repost's time, under the reposter's name.
  json::value repost = json::parse(read_text(atat / "repost.json"));
  auto reposts = parse_bluesky_feed(feed_of(json::array{repost}), "repost.json");
  CHECK(reposts.problems.empty());
  REQUIRE(reposts.posts.size() == 1);
  const items::Post& drawn = reposts.posts[0];
  REQUIRE(drawn.repost);
  CHECK(drawn.repost->by.username == "daniloc.xyz");
  CHECK(drawn.repost->original_id == "at://did:plc:niay7ajcptgklwrhknvnhk44/app.bsky.feed.post/3lhjnkjle5s2o");
  CHECK(drawn.repost->original_created_at == utc("2025-02-06T17:50:33"));
  CHECK(drawn.created_at == utc("2025-02-06T17:58:31"));
  CHECK(drawn.id == drawn.repost->original_id + " reposted at 2025-02-06T17:58:31.348Z");  // the reason has no uri
  CHECK(drawn.author.username == "theferrarilab.bsky.social");
  CHECK(drawn.metrics.reposts == 7);
  REQUIRE(drawn.referenced.size() == 1);
  CHECK(drawn.referenced[0].author->username == "washingtonpost.com");

  // The AppView's own author feed (data.feed): reposts, a reply, images, quotes.
  auto feed = parse_bluesky_feed(feed_of(json::parse(read_text(examples() / "getAuthorFeed.feed.atproto-snapshot.json")).as_array()),
                                 "getAuthorFeed");
  INFO(Catch::Detail::stringify(problem_texts(feed.problems)));
  CHECK(feed.problems.empty());
  CHECK(feed.entries == 4);
  REQUIRE(feed.posts.size() == 4);
  int reposted = 0, replies = 0;
  for (const auto& post : feed.posts) {
    if (post.repost) {
      ++reposted;
      CHECK(post.repost->by.username == "dan.test");
    }
    for (const auto& reference : post.referenced) replies += reference.type == "replied_to";
  }
  CHECK(reposted == 2);
  CHECK(replies >= 1);

  // Pins are left out.
  auto pins = parse_bluesky_feed(feed_of(json::parse(read_text(examples() / "getAuthorFeed.reasonPin.atproto-snapshot.json")).as_array()),
                                 "reasonPin");
  CHECK(pins.entries == 3);
  REQUIRE(pins.posts.size() == 2);
  for (const auto& post : pins.posts) CHECK(post.text == "not pinned post");

  items::Author profile = parse_bluesky_profile(read_text(examples() / "getProfile.atproto-snapshot.json"), "getProfile");
  CHECK(profile.id == "user(0)");
  CHECK(profile.username == "alice.test");
  CHECK(profile.name == "ali");
  CHECK(profile.avatar_url == "https://bsky.public.url/img/avatar/plain/user(1)/cids(0)");
}

TEST_CASE("the fixture's day: every entry as the card draws it, in day order") {
  Warnings warnings;
  StoredDay stored = read_stored_bluesky(fixtures(), kelp, warnings.warn());
  for (const auto& [kind, message] : warnings.list) WARN(kind << ": " << message);
  CHECK(warnings.list.empty());
  CHECK(stored.user.username == kelp);
  CHECK(stored.user.name == "Kelp Watch · Estación Marina 🌊");
  CHECK(stored.user.id.starts_with("did:plc:"));
  CHECK(stored.user.avatar_url == "file://" + (fixtures() / "media" / "photo_day-avatar.png").string());
  CHECK(stored.posts.size() == 15);  // three pages, the pin left out

  auto day = select_day(stored.posts, day_window("2026-11-24", "UTC"));
  REQUIRE(day.size() == 11);
  CHECK(day.front().created_at == utc("2026-11-24T00:20:00"));
  CHECK(day.back().created_at == utc("2026-11-24T22:40:00"));  // the repost, at its own time
  CHECK(day[0].day_reposts == 1);
  for (const auto& post : day)
    for (const auto& media : post.media) CHECK(media.url.starts_with("file://"));

  const items::Post& repost = day.back();
  REQUIRE(repost.repost);
  CHECK(repost.id.starts_with("at://did:plc:"));
  CHECK(repost.id.find("/app.bsky.feed.repost/") != std::string::npos);
  CHECK(repost.repost->by.username == kelp);
  CHECK(repost.repost->original_created_at == utc("2026-11-24T20:05:00"));
  CHECK(repost.author.username == "shorebird-log.example");
  CHECK(repost.author.name == "Shorebird Log");
  REQUIRE(repost.media.size() == 2);
  CHECK(repost.media[0].alt_text == "A flock of small grey shorebirds on wet mud");
  CHECK(repost.media[0].width == 64);
  CHECK(repost.media[0].height == 36);
  CHECK(repost.metrics.likes == 48);

  const items::Post& offset = with_text(day, "Writing from Kochi");
  CHECK(offset.created_at == utc("2026-11-24T21:00:00"));  // 02:30 on the 25th at +05:30

  const items::Post& deleted = with_text(day, "Someone asked");
  REQUIRE(deleted.referenced.size() == 1);
  CHECK(deleted.referenced[0].type == "quoted");
  CHECK_FALSE(deleted.referenced[0].text);
  CHECK_FALSE(deleted.referenced[0].author);

  const items::Post& quote_media = with_text(day, "Same reef");
  REQUIRE(quote_media.referenced.size() == 1);
  CHECK(*quote_media.referenced[0].text == "Our urchin counts for November are up: 14 per square metre on the north transect.");
  CHECK(quote_media.referenced[0].author->username == "urchin.lab.example");
  CHECK(quote_media.referenced[0].author->avatar_url.empty());
  REQUIRE(quote_media.media.size() == 1);

  const items::Post& video = with_text(day, "Vídeo del día");
  REQUIRE(video.media.size() == 1);
  CHECK(video.media[0].type == "video");
  CHECK(video.media[0].alt_text == "Kelp fronds swaying in a green underwater current");
  CHECK(video.lang == "es");
  REQUIRE(video.entities.size() == 2);
  CHECK(slice_code_points(video.text, video.entities[0].start, video.entities[0].end) == "#kelp");
  CHECK(video.entities[1].text == "ciencia");

  const items::Post& link = with_text(day, "Nuevo informe");
  REQUIRE(link.link);
  CHECK(link.link->url == "https://reports.kelpwatch.example/2026/estado-del-kelp-informe-anual?from=bsky");
  CHECK(link.link->title == "Estado del kelp 2026");
  CHECK(link.link->description == "Informe anual de la estación: cobertura, temperatura y erizos.");
  CHECK(link.link->thumb_url == "file://" + (fixtures() / "media" / "square-dome.png").string());
  REQUIRE(link.entities.size() == 1);
  CHECK(link.entities[0].kind == EntityKind::url);
  CHECK(link.entities[0].start == 40);  // byte 44: «, », → are 2, 2 and 3 bytes
  CHECK(link.entities[0].display_url == "reports.kelpwatch.example/2026/estado-d…");

  const items::Post& reply = with_text(day, "¡Qué buena foto");
  REQUIRE(reply.referenced.size() == 1);
  CHECK(reply.referenced[0].type == "replied_to");
  REQUIRE(reply.referenced[0].author);
  CHECK(reply.referenced[0].author->username == "ana-moreno.example");
  CHECK(reply.referenced[0].author->name.empty());  // no displayName: nothing made up
  REQUIRE(reply.entities.size() == 1);
  CHECK(reply.entities[0].text == "ana-moreno.example");
  CHECK(reply.entities[0].start == 17);

  const items::Post& orphan = with_text(day, "Answering a question");
  REQUIRE(orphan.referenced.size() == 1);
  CHECK(orphan.referenced[0].type == "replied_to");
  CHECK_FALSE(orphan.referenced[0].author);

  const items::Post& rich = with_text(day, "Mañana en la estación");
  std::vector<std::string> written;
  for (const auto& entity : rich.entities) written.push_back(slice_code_points(rich.text, entity.start, entity.end));
  CHECK(written == std::vector<std::string>{"@shorebird-log.example", "kelpwatch.example/charlas", "#OcéanoVivo", "#kelp"});
  CHECK(rich.entities[2].text == "OcéanoVivo");

  const items::Post& quote = with_text(day, "Good morning");
  REQUIRE(quote.referenced.size() == 1);
  CHECK(quote.referenced[0].text == std::optional<std::string>("First light over the estuary. Herons already fishing."));
  CHECK(quote.referenced[0].author->avatar_url.starts_with("file://"));
  CHECK(quote.metrics.likes == 9);
}

TEST_CASE("the sample data's Bluesky handle reads cleanly: a repost, a quote, pictures, a link card, a video") {
  const fs::path sample = test::source_dir() / "data" / "sample";
  const std::string handle = "deepfield-obs.bsky.social";
  REQUIRE(is_stored_bluesky(sample, handle));
  Warnings warnings;
  StoredDay stored = read_stored_bluesky(sample, handle, warnings.warn());
  CHECK(warnings.list.empty());
  CHECK(stored.user.name == "Deepfield Observatory");
  auto day = select_day(stored.posts, day_window("2026-11-24", "UTC"));
  REQUIRE(day.size() == 6);  // data/sample/README.md
  CHECK(stored.posts.size() == 8);
  int reposts = 0, quotes = 0, pictures = 0, links = 0, videos = 0;
  for (const auto& post : day) {
    reposts += post.repost.has_value();
    for (const auto& reference : post.referenced) quotes += reference.type == "quoted" && reference.text && reference.author;
    for (const auto& media : post.media) {
      CHECK(media.url.starts_with("file://"));
      CHECK(fs::exists(media.url.substr(7)));
      pictures += media.type == "photo";
      videos += media.type == "video";
    }
    if (post.link) {
      ++links;
      CHECK(fs::exists(post.link->thumb_url.substr(7)));
    }
    CHECK(fs::exists(post.author.avatar_url.substr(7)));
    for (const auto& entity : post.entities) {
      std::string written = slice_code_points(post.text, entity.start, entity.end);
      if (entity.kind == EntityKind::hashtag) CHECK(written == "#" + entity.text);
      if (entity.kind == EntityKind::mention) CHECK(written == "@" + entity.text);
      if (entity.kind == EntityKind::url) CHECK(written == entity.display_url);
    }
  }
  CHECK(reposts == 1);
  CHECK(quotes == 1);
  CHECK(pictures == 3);
  CHECK(links == 1);
  CHECK(videos == 1);
}

TEST_CASE("a feed page: its cursor, its oldest entry for paging, pins left out") {
  auto page = parse_bluesky_feed(read_text(fixtures() / kelp / "feed" / "page-1.json"), "page-1.json");
  CHECK(page.problems.empty());
  CHECK(page.entries == 7);
  CHECK(page.posts.size() == 6);
  CHECK(page.cursor == std::optional<std::string>("3n333radqs22f"));
  // The pinned post of October does not count: the page reaches back to the video at 16:45.
  CHECK(page.oldest == std::optional<std::chrono::sys_seconds>(utc("2026-11-24T16:45:00")));
  auto last = parse_bluesky_feed(read_text(fixtures() / kelp / "feed" / "3n2zasqr2k22f.json"), "last.json");
  CHECK_FALSE(last.cursor);
  auto empty = parse_bluesky_feed(R"({"feed": []})", "empty");
  CHECK(empty.posts.empty());
  CHECK_FALSE(empty.oldest);
}

TEST_CASE("a bad entry costs only itself; anything bad inside a post is dropped and noted") {
  auto author = json::object{{"did", "did:plc:x"}, {"handle", "x.example"}};
  auto view = [&](json::object record, json::object extra = {}) {
    json::object post{{"uri", "at://did:plc:x/app.bsky.feed.post/3a"}, {"cid", "c"}, {"author", author},
                      {"record", std::move(record)}, {"indexedAt", "2026-11-24T10:00:01.000Z"}};
    for (auto& [key, value] : extra) post[key] = value;
    return post;
  };
  const json::object good{{"text", "fine"}, {"createdAt", "2026-11-24T10:00:00Z"}};
  auto images = [](int count) {
    json::array list;
    for (int i = 0; i < count; ++i) list.push_back(json::object{{"fullsize", "https://cdn.example/" + std::to_string(i)}, {"alt", ""}});
    return list;
  };
  json::array entries{
      json::object{{"post", json::object{{"record", good}}}},                                          // no uri
      json::object{{"post", view(json::object{{"text", "no time"}})}},                                 // no createdAt
      json::object{{"post", view(json::object{{"text", "bad time"}, {"createdAt", "24.11.2026"}})}},   // bad createdAt
      json::object{{"post", [&] { auto p = view(good); p.erase("record"); return p; }()}},             // no record
      json::object{{"post", view(good)}, {"reason", json::object{{"$type", "app.bsky.feed.defs#reasonSomething"}}}},
      json::object{{"post", view(good, {{"embed", json::object{{"$type", "app.bsky.embed.hologram#view"}}}})}},
      json::object{{"post", view(good, {{"likeCount", "many"}})}},
      json::object{{"post", view(good, {{"embed", json::object{{"$type", "app.bsky.embed.gallery#view"}, {"items", images(6)}}}})}},
      json::object{{"post", view(good, {{"embed", json::object{{"$type", "app.bsky.embed.record#view"},
                                                                {"record", json::object{{"$type", "app.bsky.graph.defs#listView"},
                                                                                        {"uri", "at://l"}}}}}})}},
      json::object{{"post", view(good, {{"embed", json::object{{"$type", "app.bsky.embed.record#view"},
                                                                {"record", json::object{{"$type", "app.bsky.embed.record#viewMystery"}}}}}})}},
      json::object{{"post", view(good, {{"embed", json::object{{"$type", "app.bsky.embed.video#view"}, {"presentation", "gif"},
                                                                {"thumbnail", "https://v.example/t.jpg"}}}})}},
      "not an entry",
  };
  auto page = parse_bluesky_feed(feed_of(entries), "page.json");
  CHECK(page.entries == 12);
  const auto texts = problem_texts(page.problems);
  INFO(Catch::Detail::stringify(texts));
  auto noted = [&](const std::string& words) {
    return std::any_of(texts.begin(), texts.end(), [&](const std::string& t) { return t.find(words) != std::string::npos; });
  };
  CHECK(noted("post skipped: page.json: feed[0]: missing field 'uri'"));
  CHECK(noted("post skipped: page.json: post at://did:plc:x/app.bsky.feed.post/3a: missing field 'createdAt'"));
  CHECK(noted("record.createdAt '24.11.2026' is not an RFC 3339 time"));
  CHECK(noted("the post has no record"));
  CHECK(noted("its reason 'app.bsky.feed.defs#reasonSomething' is not a repost or a pin"));
  CHECK(noted("post with bad media: page.json: post at://did:plc:x/app.bsky.feed.post/3a: the embed "
              "(app.bsky.embed.hologram#view) is not a kind of embed this reader knows (dropped; the post is kept)"));
  CHECK(noted("post with a bad field: page.json: post at://did:plc:x/app.bsky.feed.post/3a: counts: field 'likeCount'"));
  CHECK(noted("6 pictures, more than the 4 a post can have"));
  CHECK(noted("a quoted record of type 'app.bsky.embed.record#viewMystery' is not known"));
  CHECK(noted("post skipped: page.json: feed[11]"));
  CHECK(page.problems.size() == 10);
  REQUIRE(page.posts.size() == 6);
  CHECK(page.posts[1].metrics.likes == 0);
  CHECK(page.posts[2].media.size() == 4);
  CHECK(page.posts[3].referenced.empty());  // a quoted list: not a post, nothing drawn, nothing noted
  CHECK(page.posts[5].media[0].type == "animated_gif");
  CHECK(page.posts[0].author.username == "x.example");

  // The page as a whole: garbage, an XRPC error, a feed that is not a list.
  CHECK_THROWS_AS(parse_bluesky_feed("<html>", "p"), DocumentError);
  CHECK_THROWS_WITH(parse_bluesky_feed(R"({"error":"InvalidRequest","message":"Profile not found"})", "p"),
                    Catch::Contains("Bluesky answered with an error: InvalidRequest: Profile not found"));
  CHECK_THROWS_WITH(parse_bluesky_feed(R"({"feed": {}})", "p"), Catch::Contains("field 'feed' should be an array"));
  CHECK_THROWS_WITH(parse_bluesky_profile(R"({"handle": "x.example"})", "profile.json"),
                    Catch::Contains("profile.json: profile: missing field 'did'"));
}

TEST_CASE("invalid characters are replaced and counted; the facets after them still fit") {
  // A lone surrogate escape and a raw byte that is not UTF-8, before a tag.
  const std::string page = std::string(R"({"feed":[{"post":{"uri":"at://u","author":{"did":"d","handle":"h.example"},)") +
                           R"("record":{"text":"\ud83d x)" + "\xC3" + R"( #tag","createdAt":"2026-11-24T10:00:00Z",)" +
                           R"("facets":[{"index":{"byteStart":7,"byteEnd":11},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"tag"}]}]}}}]})";
  auto parsed = parse_bluesky_feed(page, "p");
  REQUIRE(parsed.posts.size() == 1);
  CHECK(parsed.posts[0].text == "\uFFFD x\uFFFD #tag");
  REQUIRE(parsed.posts[0].entities.size() == 1);
  CHECK(slice_code_points(parsed.posts[0].text, parsed.posts[0].entities[0].start, parsed.posts[0].entities[0].end) == "#tag");
  REQUIRE(parsed.problems.size() == 1);
  CHECK(parsed.problems[0].kind == problem::invalid_text);

  // A text longer than any post is cut, and said so.
  json::object record{{"text", std::string(items::Post::max_text_code_points + 10, 'a')}, {"createdAt", "2026-11-24T10:00:00Z"}};
  auto long_page = parse_bluesky_feed(
      feed_of_post(json::object{{"uri", "at://u"}, {"author", json::object{{"did", "d"}, {"handle", "h.example"}}}, {"record", record}}),
      "p");
  REQUIRE(long_page.posts.size() == 1);
  CHECK(long_page.posts[0].text.size() == items::Post::max_text_code_points);
  REQUIRE(long_page.problems.size() == 1);
  CHECK(long_page.problems[0].kind == problem::oversized_text);
}

TEST_CASE("Bluesky's refusals name the handle in Bluesky's words") {
  auto text = [](const char* body) { return xrpc_error_text(*read_xrpc_error(body), "h.example"); };
  CHECK(text(R"({"error":"InvalidRequest","message":"Profile not found"})") ==
        "no Bluesky account has the handle 'h.example' (InvalidRequest: Profile not found)");
  CHECK(text(R"({"error":"AccountTakedown","message":"Account has been suspended"})") ==
        "the Bluesky account 'h.example' has been taken down (AccountTakedown: Account has been suspended)");
  CHECK(text(R"({"error":"AccountDeactivated"})") == "the Bluesky account 'h.example' is deactivated (AccountDeactivated)");
  CHECK(text(R"({"error":"BlockedActor","message":"Requester has blocked actor"})").starts_with("Bluesky does not show 'h.example''s posts"));
  CHECK(text(R"({"error":"InvalidRequest","message":"Error: limit must be <= 100"})") ==
        "Bluesky refused to serve 'h.example' (InvalidRequest: Error: limit must be <= 100)");
  CHECK_FALSE(read_xrpc_error("<html>busy</html>"));
  CHECK_FALSE(read_xrpc_error(R"({"feed": []})"));

  // A stored refusal fails the handle the same way.
  Warnings warnings;
  CHECK_THROWS_WITH(read_stored_bluesky(fixtures(), "takendown.feeds.example", warnings.warn()),
                    Catch::Contains("profile.json: the Bluesky account 'takendown.feeds.example' has been taken down "
                                    "(AccountTakedown: Account has been suspended)"));
  CHECK_THROWS_WITH(read_stored_bluesky(fixtures(), "deactivated.feeds.example", warnings.warn()),
                    Catch::Contains("is deactivated"));
}

TEST_CASE("stored Bluesky pages: a bad later page or cursor loses only what follows") {
  test::TempDir folder("pipectl-bluesky-stored");
  const fs::path dir = folder.path(), handle = dir / "h.example";
  fs::create_directories(handle / "feed");
  std::ofstream(handle / "profile.json") << R"({"did":"did:plc:h","handle":"h.example","avatar":"media/a.png"})";
  auto post = [](const char* rkey, const char* time) {
    return std::string(R"({"post":{"uri":"at://did:plc:h/app.bsky.feed.post/)") + rkey +
           R"(","author":{"did":"did:plc:h","handle":"h.example"},"record":{"text":"t","createdAt":")" + time + R"("}}})";
  };
  std::ofstream(handle / "feed" / "page-1.json") << R"({"cursor":"next-2","feed":[)" << post("a", "2026-11-24T12:00:00Z") << "]}";
  std::ofstream(handle / "feed" / "next-2.json") << R"({"cursor":"../escape","feed":[)" << post("b", "2026-11-24T11:00:00Z") << "]}";
  CHECK(is_stored_bluesky(dir, "h.example"));
  CHECK_FALSE(is_stored_bluesky(dir, "other.example"));
  Warnings warnings;
  StoredDay day = read_stored_bluesky(dir, "h.example", warnings.warn());
  CHECK(day.posts.size() == 2);
  CHECK(day.user.avatar_url == "file://" + (dir / "media" / "a.png").string());
  CHECK(warnings.has(problem::page_lost, "cursor '../escape' does not name a new page; stopping there"));

  std::ofstream(handle / "feed" / "next-2.json", std::ios::trunc) << R"({"cursor":"next-3","feed":[)" << post("b", "2026-11-24T11:00:00Z") << "]}";
  std::ofstream(handle / "feed" / "next-3.json") << R"({"feed":[{"post": )";
  Warnings lost;
  day = read_stored_bluesky(dir, "h.example", lost.warn());
  CHECK(day.posts.size() == 2);
  CHECK(lost.has(problem::page_lost, "next-3.json:1:"));

  fs::remove(handle / "feed" / "page-1.json");
  CHECK_THROWS_WITH(read_stored_bluesky(dir, "h.example", lost.warn()), Catch::Contains("page-1.json: cannot read the file"));
}

namespace {

// Bluesky's AppView as a loopback server over a stored handle folder: getProfile, and
// getAuthorFeed by cursor; what it was asked is kept.
struct FeedServer {
  explicit FeedServer(fs::path folder, std::function<std::optional<test::LoopbackReply>(const test::LoopbackRequest&)> before = {})
      : folder_(std::move(folder)), before_(std::move(before)), server_([this](const test::LoopbackRequest& request) {
          return answer(request);
        }) {}

  test::LoopbackReply answer(const test::LoopbackRequest& request) {
    {
      std::lock_guard lock(mutex_);
      targets_.push_back(request.target);
    }
    if (before_)
      if (auto reply = before_(request)) return *reply;
    test::LoopbackReply reply;
    reply.headers = {{"Content-Type", "application/json"}};
    if (request.target.starts_with("/xrpc/app.bsky.actor.getProfile?actor=")) {
      reply.body = read_text(folder_ / "profile.json");
    } else if (request.target.starts_with("/xrpc/app.bsky.feed.getAuthorFeed?")) {
      const auto at = request.target.find("&cursor=");
      const std::string page = at == std::string::npos ? "page-1" : request.target.substr(at + 8);
      reply.body = read_text(folder_ / "feed" / (page + ".json"));
    } else {
      reply = test::reply_with(404, R"({"error":"NotFound","message":"no such method"})");
    }
    return reply;
  }
  std::vector<std::string> targets() {
    std::lock_guard lock(mutex_);
    return targets_;
  }
  std::string url() const { return server_.url(""); }

  fs::path folder_;
  std::function<std::optional<test::LoopbackReply>(const test::LoopbackRequest&)> before_;
  std::mutex mutex_;
  std::vector<std::string> targets_;
  test::LoopbackServer server_;
};

BlueskySettings quick_settings(const std::string& base) {
  BlueskySettings settings;
  settings.api_base = base;
  settings.backoff = std::chrono::milliseconds(10);
  settings.retries = 2;
  return settings;
}

}  // namespace

TEST_CASE("live: getProfile, then the feed page by page until it reaches back before the day") {
  FeedServer server(fixtures() / kelp);
  Warnings warnings;
  ApiHooks hooks{warnings.warn(), {}, {}};
  StoredDay found = read_bluesky(quick_settings(server.url()), kelp, day_window("2026-11-24", "UTC"), hooks);
  CHECK(warnings.list.empty());
  CHECK(found.user.name == "Kelp Watch · Estación Marina 🌊");
  auto targets = server.targets();
  // Page 2 reaches back to the 23rd: page 3 is never asked for.
  REQUIRE(targets.size() == 3);
  CHECK(targets[0] == "/xrpc/app.bsky.actor.getProfile?actor=kelpwatch.example");
  CHECK(targets[1] == "/xrpc/app.bsky.feed.getAuthorFeed?actor=kelpwatch.example&filter=posts_with_replies&limit=100");
  CHECK(targets[2] == targets[1] + "&cursor=3n333radqs22f");
  CHECK(select_day(found.posts, day_window("2026-11-24", "UTC")).size() == 11);

  // A day further back needs the third page too.
  FeedServer again(fixtures() / kelp);
  StoredDay earlier = read_bluesky(quick_settings(again.url()), kelp, day_window("2026-11-20", "UTC"), hooks);
  CHECK(again.targets().size() == 4);
  CHECK(select_day(earlier.posts, day_window("2026-11-20", "UTC")).size() == 1);

  // New York's day of 1 November 2026 is 25 hours long: both its posts, and only two pages.
  FeedServer clock(fixtures() / "clockchange.example");
  StoredDay dst = read_bluesky(quick_settings(clock.url()), "clockchange.example", day_window("2026-11-01", "America/New_York"), hooks);
  auto dst_day = select_day(dst.posts, day_window("2026-11-01", "America/New_York"));
  REQUIRE(dst_day.size() == 3);
  CHECK(dst_day.front().created_at == utc("2026-11-01T04:00:00"));
  CHECK(dst_day.back().created_at == utc("2026-11-02T04:30:00"));
  CHECK(clock.targets().size() == 3);
}

TEST_CASE("live: refusals, rate limits, retries and a cursor that repeats") {
  SECTION("a handle that is not a domain name is refused before any call") {
    FeedServer server(fixtures() / kelp);
    ApiHooks hooks{[](const std::string&, const std::string&) {}, {}, {}};
    CHECK_THROWS_WITH(read_bluesky(quick_settings(server.url()), "orbit_daily", day_window("2026-11-24", "UTC"), hooks),
                      "'orbit_daily' is not a Bluesky handle (a domain name such as alice.bsky.social)");
    CHECK(server.targets().empty());
  }
  SECTION("an unknown handle: Bluesky's 400 in a sentence naming it") {
    FeedServer server(fixtures() / kelp, [](const test::LoopbackRequest&) -> std::optional<test::LoopbackReply> {
      return test::reply_with(400, R"({"error":"InvalidRequest","message":"Profile not found"})");
    });
    ApiHooks hooks{[](const std::string&, const std::string&) {}, {}, {}};
    CHECK_THROWS_WITH(read_bluesky(quick_settings(server.url()), "nobody.example", day_window("2026-11-24", "UTC"), hooks),
                      Catch::StartsWith("no Bluesky account has the handle 'nobody.example' (InvalidRequest: Profile not found) "
                                        "[HTTP 400 from " + server.url() + "/xrpc/app.bsky.actor.getProfile]"));
    CHECK(server.targets().size() == 1);  // a verdict is not retried
  }
  SECTION("a 200 holding an XRPC error is Bluesky's verdict too: named, not retried") {
    FeedServer server(fixtures() / kelp, [](const test::LoopbackRequest&) -> std::optional<test::LoopbackReply> {
      return test::reply_with(200, R"({"error":"AccountTakedown","message":"Account has been suspended"})");
    });
    ApiHooks hooks{[](const std::string&, const std::string&) {}, {}, {}};
    CHECK_THROWS_WITH(read_bluesky(quick_settings(server.url()), kelp, day_window("2026-11-24", "UTC"), hooks),
                      Catch::Contains("AccountTakedown"));
    CHECK(server.targets().size() == 1);
  }
  SECTION("a 429 is waited out until RateLimit-Reset, and said so; a 503 is retried") {
    int feed_calls = 0;
    const auto reset = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() + 1;
    FeedServer server(fixtures() / "flaky.feeds.example", [&](const test::LoopbackRequest& request) -> std::optional<test::LoopbackReply> {
      if (!request.target.starts_with("/xrpc/app.bsky.feed.getAuthorFeed")) return std::nullopt;
      if (++feed_calls == 1) {
        auto reply = test::reply_with(429, R"({"error":"RateLimitExceeded","message":"Rate Limit Exceeded"})");
        reply.headers = {{"RateLimit-Limit", "3000"}, {"RateLimit-Remaining", "0"}, {"RateLimit-Reset", std::to_string(reset)},
                         {"RateLimit-Policy", "3000;w=300"}};
        return reply;
      }
      if (feed_calls == 2) return test::reply_with(503, R"({"error":"InternalServerError"})");
      return std::nullopt;
    });
    Warnings warnings;
    std::vector<std::pair<std::string, double>> waits;
    ApiHooks hooks{warnings.warn(), [&](const std::string& reason, double seconds) { waits.emplace_back(reason, seconds); }, {}};
    StoredDay day = read_bluesky(quick_settings(server.url()), "flaky.feeds.example", day_window("2026-11-24", "UTC"), hooks);
    CHECK(day.posts.size() == 2);
    REQUIRE(waits.size() == 1);
    CHECK_THAT(waits[0].first, Catch::Contains("rate limit: HTTP 429 from Bluesky (127.0.0.1:"));
    CHECK(waits[0].second >= 1.0);
    CHECK(warnings.has(problem::api_retry, "HTTP 503 from " + server.url() + "/xrpc/app.bsky.feed.getAuthorFeed"));
  }
  SECTION("garbage is retried, then the handle fails naming the page") {
    FeedServer server(fixtures() / "flaky.feeds.example", [](const test::LoopbackRequest& request) -> std::optional<test::LoopbackReply> {
      if (!request.target.starts_with("/xrpc/app.bsky.feed.getAuthorFeed")) return std::nullopt;
      return test::reply_with(200, "<html>\x01\xFF not json");
    });
    ApiHooks hooks{[](const std::string&, const std::string&) {}, {}, {}};
    CHECK_THROWS_WITH(read_bluesky(quick_settings(server.url()), "flaky.feeds.example", day_window("2026-11-24", "UTC"), hooks),
                      Catch::Contains("gave up after 3 attempts: " + server.url() +
                                      "/xrpc/app.bsky.feed.getAuthorFeed page 1:1:1: invalid JSON"));
  }
  SECTION("a cursor sent twice is an error, not an endless loop") {
    FeedServer server(fixtures() / kelp, [](const test::LoopbackRequest& request) -> std::optional<test::LoopbackReply> {
      if (!request.target.starts_with("/xrpc/app.bsky.feed.getAuthorFeed")) return std::nullopt;
      return test::reply_with(200, R"({"cursor":"same","feed":[{"post":{"uri":"at://u","author":{"did":"d","handle":"h.example"},)"
                                   R"("record":{"text":"t","createdAt":"2026-11-24T12:00:00Z"}}}]})");
    });
    ApiHooks hooks{[](const std::string&, const std::string&) {}, {}, {}};
    CHECK_THROWS_WITH(read_bluesky(quick_settings(server.url()), kelp, day_window("2026-11-24", "UTC"), hooks),
                      "Bluesky sent the same cursor twice for 'kelpwatch.example' (page 2)");
  }
}

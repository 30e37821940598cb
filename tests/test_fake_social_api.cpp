// fake-x-api (tools/fake-x-api) as Bluesky's AppView and as a Mastodon instance, checked from
// outside: the real process on a free port, a real HTTP client (support/http_probe), over
// small datasets each test writes (invented accounts on *.example and bsky.social handles, in
// the networks' response formats). Its X API behaviour is tests/test_fake_x_api.cpp's.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <thread>

#include "support/fake_x_api.hpp"
#include "support/http_probe.hpp"
#include "support/json_lines.hpp"
#include "support/paths.hpp"

using namespace pipectl;
namespace fs = std::filesystem;
namespace json = boost::json;
using test::FakeXApi;
using test::HttpAnswer;
using test::HttpProbe;

namespace {

const std::string token = "fx-social-token-3b9e";

// --- The datasets ------------------------------------------------------------------------

void write_file(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

std::string did_of(const std::string& handle) {
  std::string did = "did:plc:";
  for (char c : handle) did.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : 'x');
  return did;
}

// One app.bsky.feed.defs#feedViewPost with a picture.
json::object bluesky_post(const std::string& handle, const std::string& key, const std::string& text,
                          const std::string& created_at) {
  json::object author{{"did", did_of(handle)}, {"handle", handle}, {"displayName", "Wren Example"},
                      {"avatar", "media/wren-avatar.png"}};
  json::object record{{"$type", "app.bsky.feed.post"}, {"text", text}, {"createdAt", created_at}, {"langs", json::array{"en"}}};
  json::object image{{"thumb", "media/photo.png"}, {"fullsize", "media/photo.png"}, {"alt", "A bay at dawn"}};
  json::object embed{{"$type", "app.bsky.embed.images#view"}, {"images", json::array{image}}};
  json::object post{{"uri", "at://" + did_of(handle) + "/app.bsky.feed.post/" + key},
                    {"cid", "bafyreiexample" + key},
                    {"author", author},
                    {"record", record},
                    {"embed", embed},
                    {"replyCount", 0},
                    {"repostCount", 1},
                    {"likeCount", 4},
                    {"quoteCount", 0},
                    {"indexedAt", created_at}};
  return json::object{{"post", post}};
}

// A Bluesky handle: profile.json, feed/page-1.json whose cursor names feed/<cursor>.json.
void write_bluesky_handle(const fs::path& root, const std::string& handle) {
  json::object profile{{"did", did_of(handle)},        {"handle", handle},
                       {"displayName", "Wren Example"}, {"description", "Notes from the bay."},
                       {"avatar", "media/wren-avatar.png"}, {"followersCount", 12},
                       {"followsCount", 3},             {"postsCount", 3},
                       {"createdAt", "2025-02-01T10:00:00.000Z"}};
  write_file(root / handle / "profile.json", json::serialize(profile));
  const std::string cursor = "2026-11-24T08:00:00.000Z";  // a time, as the AppView's cursors are
  json::object first{{"feed", json::array{bluesky_post(handle, "3kexampleaa", "Evening tide", "2026-11-24T19:30:00.000Z"),
                                          bluesky_post(handle, "3kexampleab", "Noon boats", "2026-11-24T12:00:00.000Z")}},
                     {"cursor", cursor}};
  json::object last{{"feed", json::array{bluesky_post(handle, "3kexampleac", "Morning light", "2026-11-24T07:10:00.000Z")}}};
  write_file(root / handle / "feed" / "page-1.json", json::serialize(first));
  write_file(root / handle / "feed" / (cursor + ".json"), json::serialize(last));
}

// One Mastodon Status with a picture and a custom emoji.
json::object mastodon_status(const json::object& account, const std::string& id, const std::string& created_at) {
  json::object attachment{{"id", id + "1"}, {"type", "image"}, {"url", "media/photo.png"}, {"preview_url", "media/photo.png"},
                          {"description", "A bay at dawn"}};
  json::object emoji{{"shortcode", "wave"}, {"url", "media/wave.png"}, {"static_url", "media/wave.png"}, {"visible_in_picker", true}};
  return json::object{{"id", id},
                      {"created_at", created_at},
                      {"in_reply_to_id", nullptr},
                      {"sensitive", false},
                      {"spoiler_text", ""},
                      {"visibility", "public"},
                      {"url", "https://social.example/@ada/" + id},
                      {"replies_count", 0},
                      {"reblogs_count", 1},
                      {"favourites_count", 2},
                      {"content", "<p>Tide out :wave:</p>"},
                      {"reblog", nullptr},
                      {"account", account},
                      {"media_attachments", json::array{attachment}},
                      {"mentions", json::array{}},
                      {"tags", json::array{}},
                      {"emojis", json::array{emoji}},
                      {"card", nullptr},
                      {"poll", nullptr}};
}

// Account ids per Mastodon handle: its number in the test's dataset.
std::string mastodon_id(int number) { return "10900000000000000" + std::to_string(number); }

// A Mastodon handle: account.json, statuses/page-1.json (2 statuses, newest first) and
// statuses/<id of the oldest>.json (1 status).
void write_mastodon_handle(const fs::path& root, const std::string& address, int number) {
  std::string username = address.substr(0, address.find('@'));
  json::object account{{"id", mastodon_id(number)},
                       {"username", username},
                       {"acct", username},
                       {"display_name", "Ada Example"},
                       {"url", "https://social.example/@" + username},
                       {"avatar", "media/ada-avatar.png"},
                       {"avatar_static", "media/ada-avatar.png"},
                       {"followers_count", 7},
                       {"statuses_count", 3},
                       {"emojis", json::array{}}};
  write_file(root / address / "account.json", json::serialize(account));
  std::string base = "1135000000000" + std::to_string(number);
  json::array first{mastodon_status(account, base + "300", "2026-11-24T19:00:00.000Z"),
                    mastodon_status(account, base + "200", "2026-11-24T12:00:00.000Z")};
  json::array second{mastodon_status(account, base + "100", "2026-11-24T07:00:00.000Z")};
  write_file(root / address / "statuses" / "page-1.json", json::serialize(first));
  write_file(root / address / "statuses" / (base + "200.json"), json::serialize(second));
}

const char* const fault_handles_bluesky[] = {"busy.bsky.social", "flaky.bsky.social", "slow.bsky.social",
                                             "broken.bsky.social", "huge.bsky.social", "chunked.bsky.social",
                                             "lookup.bsky.social", "pics.bsky.social"};
const char* const fault_handles_mastodon[] = {"busy@social.example", "flaky@social.example", "slow@social.example",
                                              "broken@social.example", "huge@social.example", "chunked@social.example",
                                              "lookup@social.example", "pics@social.example"};

// The faults file: the same faults for a Bluesky and a Mastodon handle each.
std::string faults_file_text() {
  const char* const faults[] = {
      R"({"status_429": 1, "reset_after_s": 2})",
      R"({"status_500": 1, "status_503": 1})",
      R"({"slow_ms": 600, "slow_count": 1, "trickle_ms": 600, "trickle_count": 2})",
      R"({"drop": 1, "truncate": 1, "garbage": 1})",
      R"({"huge_mb": 0.5})",
      R"({"huge_mb": 50, "huge_chunked": true})",
      R"({"user_status_502": 1})",
      R"({"media_status_404": 1, "media_drop": 1})",
  };
  json::object file{{"//", "one Bluesky and one Mastodon handle per fault"}};
  for (std::size_t at = 0; at < std::size(faults); ++at) {
    file[fault_handles_bluesky[at]] = json::parse(faults[at]);
    file[fault_handles_mastodon[at]] = json::parse(faults[at]);
  }
  return json::serialize(file);
}

// A dataset in a temporary folder: Bluesky wren.bsky.social, a taken-down gone.example.com, a
// quiet.example.com with no feed, a blocked.example.com whose feed is an error, a
// mangled.example.com whose profile.json is cut off; Mastodon ada@social.example and
// bo@other.example; the faults' handles; pictures; faults.json.
struct SocialDataset {
  test::TempDir folder{"fake-social-api"};
  fs::path root = folder.path() / "data";
  fs::path faults = folder.path() / "faults.json";
  fs::path log = folder.path() / "requests.jsonl";

  SocialDataset() {
    write_bluesky_handle(root, "wren.bsky.social");
    write_file(root / "gone.example.com" / "profile.json",
               R"({"error":"AccountTakedown","message":"Account has been suspended"})");
    write_file(root / "quiet.example.com" / "profile.json",
               json::serialize(json::object{{"did", did_of("quiet.example.com")}, {"handle", "quiet.example.com"}}));
    write_bluesky_handle(root, "blocked.example.com");
    write_file(root / "blocked.example.com" / "feed" / "page-1.json",
               R"({"error":"BlockedActor","message":"Requester has blocked actor"})");
    write_bluesky_handle(root, "mangled.example.com");
    write_file(root / "mangled.example.com" / "profile.json", R"({"did":"did:plc:mangled", "handle":)");
    write_mastodon_handle(root, "ada@social.example", 1);
    write_mastodon_handle(root, "bo@other.example", 2);
    int number = 10;
    for (const char* handle : fault_handles_bluesky) write_bluesky_handle(root, handle);
    for (const char* handle : fault_handles_mastodon) write_mastodon_handle(root, handle, number++);
    for (const char* picture : {"wren-avatar.png", "ada-avatar.png", "photo.png", "wave.png"})
      write_file(root / "media" / picture, std::string("\x89PNG\r\n\x1a\n", 8) + "invented picture " + picture);
    write_file(faults, faults_file_text());
  }

  std::vector<std::string> server(std::vector<std::string> more = {}) const {
    std::vector<std::string> arguments{"--data", root.string(), "--faults", faults.string(), "--log", log.string()};
    arguments.insert(arguments.end(), more.begin(), more.end());
    return arguments;
  }
  std::vector<json::object> log_lines() const { return test::read_json_lines(log); }
};

// --- Requests and answers ----------------------------------------------------------------

std::string profile_target(const std::string& actor) { return "/xrpc/app.bsky.actor.getProfile?actor=" + actor; }

std::string feed_target(const std::string& actor, const std::string& more = "") {
  return "/xrpc/app.bsky.feed.getAuthorFeed?actor=" + actor + "&limit=100&filter=posts_with_replies" + more;
}

std::string lookup_target(const std::string& acct) { return "/api/v1/accounts/lookup?acct=" + acct; }

std::string statuses_target(const std::string& id, const std::string& more = "") {
  return "/api/v1/accounts/" + id + "/statuses?limit=40" + more;
}

json::value parse(const std::string& body) {
  json::error_code error;
  json::value value = json::parse(body, error);
  INFO(body.substr(0, 300));
  REQUIRE(!error);
  return value;
}

bool is_json(const std::string& body) {
  json::error_code error;
  json::parse(body, error);
  return !error;
}

// {"error": E, "message": M} of an XRPC error answer.
void check_xrpc_error(const HttpAnswer& answer, int status, const std::string& error, const std::string& message = "") {
  INFO(answer.body);
  CHECK(answer.status == status);
  CHECK(answer.header("content-type") == "application/json; charset=utf-8");
  auto body = parse(answer.body).as_object();
  CHECK(body.at("error").as_string() == error);
  if (!message.empty()) CHECK(body.at("message").as_string() == message);
}

void check_mastodon_error(const HttpAnswer& answer, int status, const std::string& error) {
  INFO(answer.body);
  CHECK(answer.status == status);
  CHECK(parse(answer.body).at("error").as_string() == error);
}

long long header_number(const HttpAnswer& answer, const std::string& name) {
  INFO(name);
  REQUIRE(!answer.header(name).empty());
  return std::stoll(answer.header(name));
}

long long epoch_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Mastodon's x-ratelimit-reset, "2026-11-24T15:00:00.000Z", as epoch seconds.
long long iso_reset(const HttpAnswer& answer) {
  std::string text = answer.header("x-ratelimit-reset");
  INFO(text);
  REQUIRE(text.size() == 24);
  CHECK(text.substr(19) == ".000Z");
  std::tm parts{};
  std::istringstream in(text.substr(0, 19));
  in >> std::get_time(&parts, "%Y-%m-%dT%H:%M:%S");
  REQUIRE(!in.fail());
  return static_cast<long long>(timegm(&parts));
}

void sleep_until_epoch(long long epoch) {
  std::this_thread::sleep_until(std::chrono::system_clock::time_point(std::chrono::seconds(epoch)) +
                                std::chrono::milliseconds(50));
}

std::string target_of(const FakeXApi& server, const std::string& url) {
  REQUIRE(url.rfind(server.url(), 0) == 0);
  return url.substr(server.url().size());
}

std::string picture(const std::string& name) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + "invented picture " + name;
}

}  // namespace

// --- Bluesky -----------------------------------------------------------------------------

TEST_CASE("fake-x-api as Bluesky: getProfile by handle (any case) or DID, no token needed, ratelimit-* headers") {
  SocialDataset data;
  FakeXApi server(data.server({"--token", token}));  // X's token: not asked of XRPC
  HttpProbe probe(server.url());

  HttpAnswer answer = probe.get(profile_target("wren.bsky.social"));
  REQUIRE(answer.status == 200);
  CHECK(answer.header("content-type") == "application/json; charset=utf-8");
  auto profile = parse(answer.body).as_object();
  CHECK(profile.at("did").as_string() == did_of("wren.bsky.social"));
  CHECK(profile.at("displayName").as_string() == "Wren Example");
  CHECK(profile.at("avatar").as_string() == server.url() + "/media/wren.bsky.social/wren-avatar.png");
  CHECK(header_number(answer, "ratelimit-limit") == 100000);
  CHECK(header_number(answer, "ratelimit-remaining") == 99999);
  long long reset = header_number(answer, "ratelimit-reset");  // absolute epoch seconds, as atproto's
  CHECK(reset > epoch_now() + 800);
  CHECK(reset <= epoch_now() + 901);
  CHECK(answer.header("ratelimit-policy") == "100000;w=900");
  CHECK(answer.header("retry-after").empty());
  CHECK(answer.header("x-rate-limit-limit").empty());

  answer = probe.get(profile_target("Wren.BSKY.social"));
  CHECK(parse(answer.body).at("handle").as_string() == "wren.bsky.social");
  CHECK(header_number(answer, "ratelimit-remaining") == 99998);
  answer = probe.get(profile_target(did_of("wren.bsky.social")));
  CHECK(answer.status == 200);
  CHECK(parse(answer.body).at("handle").as_string() == "wren.bsky.social");
  // The DID is matched as it is: DIDs are case-sensitive.
  check_xrpc_error(probe.get(profile_target("did:plc:WRENXBSKYXSOCIAL")), 400, "InvalidRequest", "Profile not found");
}

TEST_CASE("fake-x-api as Bluesky: getAuthorFeed follows the cursor to the last page; pictures by handle") {
  SocialDataset data;
  FakeXApi server(data.server());
  HttpProbe probe(server.url());

  HttpAnswer first = probe.get(feed_target("wren.bsky.social"));
  REQUIRE(first.status == 200);
  auto page = parse(first.body).as_object();
  CHECK(page.at("feed").as_array().size() == 2);
  CHECK(page.at("cursor").as_string() == "2026-11-24T08:00:00.000Z");
  CHECK(header_number(first, "ratelimit-remaining") == 99999);
  const auto& image = page.at("feed").at(0).at("post").at("embed").at("images").at(0).as_object();
  std::string fullsize(image.at("fullsize").as_string());
  CHECK(fullsize == server.url() + "/media/wren.bsky.social/photo.png");
  CHECK(image.at("thumb").as_string() == fullsize);
  CHECK(page.at("feed").at(0).at("post").at("author").at("avatar").as_string() ==
        server.url() + "/media/wren.bsky.social/wren-avatar.png");

  // The cursor is sent as the AppView's are, %-encoded.
  HttpAnswer last = probe.get(feed_target(did_of("wren.bsky.social"), "&cursor=2026-11-24T08%3A00%3A00.000Z&includePins=false"));
  REQUIRE(last.status == 200);
  auto last_page = parse(last.body).as_object();
  CHECK(last_page.at("feed").as_array().size() == 1);
  CHECK_FALSE(last_page.contains("cursor"));
  CHECK(last_page.at("feed").at(0).at("post").at("record").at("text").as_string() == "Morning light");

  // A handle with no feed folder has no posts.
  HttpAnswer quiet = probe.get(feed_target("quiet.example.com"));
  CHECK(quiet.status == 200);
  CHECK(quiet.body == R"({"feed":[]})");

  // Every filter of the lexicon, and the parameters at their defaults.
  for (const char* filter : {"posts_with_replies", "posts_no_replies", "posts_with_media", "posts_and_author_threads",
                             "posts_with_video"})
    CHECK(probe.get(std::string("/xrpc/app.bsky.feed.getAuthorFeed?actor=wren.bsky.social&filter=") + filter).status == 200);
  CHECK(probe.get("/xrpc/app.bsky.feed.getAuthorFeed?actor=wren.bsky.social&limit=1&includePins=true").status == 200);

  // The picture, under a handle with dots; no token, no rate-limit headers.
  HttpAnswer photo = probe.get(target_of(server, fullsize));
  CHECK(photo.status == 200);
  CHECK(photo.header("content-type") == "image/png");
  CHECK(photo.body == picture("photo.png"));
  CHECK(photo.header("ratelimit-limit").empty());
  CHECK(probe.get("/media/wren.bsky.social/../wren.bsky.social/profile.json").status == 404);
  CHECK(probe.get("/media/nobody.bsky.social/photo.png").status == 404);
}

TEST_CASE("fake-x-api as Bluesky: bad requests, unknown and taken-down actors answer as the AppView") {
  SocialDataset data;
  FakeXApi server(data.server());
  HttpProbe probe(server.url());

  // Unknown actors, for both methods.
  check_xrpc_error(probe.get(profile_target("nobody.bsky.social")), 400, "InvalidRequest", "Profile not found");
  HttpAnswer unknown = probe.get(feed_target("nobody.bsky.social"));
  check_xrpc_error(unknown, 400, "InvalidRequest", "Profile not found");
  CHECK(header_number(unknown, "ratelimit-remaining") == 99999);  // 400s carry the headers too (feed's own window)
  // An X username or a Mastodon address is not a Bluesky handle here.
  check_xrpc_error(probe.get(profile_target("ada@social.example")), 400, "InvalidRequest",
                   "Error: actor must be a valid did or a handle");
  check_xrpc_error(probe.get(profile_target("bo.other.example")), 400, "InvalidRequest", "Profile not found");

  // The lexicon's checks.
  check_xrpc_error(probe.get("/xrpc/app.bsky.actor.getProfile"), 400, "InvalidRequest",
                   "Error: Params must have the property \"actor\"");
  check_xrpc_error(probe.get("/xrpc/app.bsky.feed.getAuthorFeed?limit=10"), 400, "InvalidRequest",
                   "Error: Params must have the property \"actor\"");
  check_xrpc_error(probe.get(profile_target("not%20a%20handle")), 400, "InvalidRequest");
  check_xrpc_error(probe.get(profile_target("-bad.example.com")), 400, "InvalidRequest");
  check_xrpc_error(probe.get("/xrpc/app.bsky.feed.getAuthorFeed?actor=wren.bsky.social&limit=0"), 400, "InvalidRequest",
                   "Error: limit can not be less than 1");
  check_xrpc_error(probe.get("/xrpc/app.bsky.feed.getAuthorFeed?actor=wren.bsky.social&limit=101"), 400,
                   "InvalidRequest", "Error: limit can not be greater than 100");
  check_xrpc_error(probe.get("/xrpc/app.bsky.feed.getAuthorFeed?actor=wren.bsky.social&limit=ten"), 400,
                   "InvalidRequest", "Error: limit must be an integer");
  check_xrpc_error(probe.get("/xrpc/app.bsky.feed.getAuthorFeed?actor=wren.bsky.social&filter=everything"), 400,
                   "InvalidRequest");
  check_xrpc_error(probe.get("/xrpc/app.bsky.feed.getAuthorFeed?actor=wren.bsky.social&includePins=yes"), 400,
                   "InvalidRequest", "Error: includePins must be a boolean");
  check_xrpc_error(probe.get("/xrpc/app.bsky.feed.getAuthorFeed?actor=wren.bsky.social&max_results=10"), 400,
                   "InvalidRequest", "Error: Params has an unknown property \"max_results\"");
  check_xrpc_error(probe.get(profile_target("wren.bsky.social") + "&limit=5"), 400, "InvalidRequest");
  // Cursors that name no page, or could name a file elsewhere.
  check_xrpc_error(probe.get(feed_target("wren.bsky.social", "&cursor=2026-11-01T00:00:00.000Z")), 400,
                   "InvalidRequest", "Malformed cursor");
  check_xrpc_error(probe.get(feed_target("wren.bsky.social", "&cursor=..%2Fprofile")), 400, "InvalidRequest",
                   "Malformed cursor");
  check_xrpc_error(probe.get(feed_target("wren.bsky.social", "&cursor=.hidden")), 400, "InvalidRequest",
                   "Malformed cursor");

  // A stored XRPC error is served as it is, with its 400; the feed gives the same.
  for (const auto& target : {profile_target("gone.example.com"), feed_target("gone.example.com")}) {
    HttpAnswer gone = probe.get(target);
    check_xrpc_error(gone, 400, "AccountTakedown", "Account has been suspended");
    CHECK(!gone.header("ratelimit-remaining").empty());
  }

  // A stored feed page that is an XRPC error: served with its 400.
  check_xrpc_error(probe.get(feed_target("blocked.example.com")), 400, "BlockedActor", "Requester has blocked actor");
  // A stored profile that is not JSON (a bad-input fixture) is served byte for byte; its feed
  // is still there.
  HttpAnswer mangled = probe.get(profile_target("mangled.example.com"));
  CHECK(mangled.status == 200);
  CHECK(mangled.body == R"({"did":"did:plc:mangled", "handle":)");
  CHECK(probe.get(feed_target("mangled.example.com")).status == 200);

  // A method the AppView does not have: atproto's MethodNotImplemented (HTTP 501).
  HttpAnswer method = probe.get("/xrpc/app.bsky.feed.getTimeline?limit=10");
  check_xrpc_error(method, 501, "MethodNotImplemented", "Method Not Implemented");
  CHECK(method.header("ratelimit-limit").empty());
}

// --- Mastodon ----------------------------------------------------------------------------

TEST_CASE("fake-x-api as Mastodon: accounts/lookup by address or local name, x-ratelimit-* headers") {
  SocialDataset data;
  FakeXApi server(data.server({"--token", token}));  // X's token: not asked of /api/v1/
  HttpProbe probe(server.url());

  HttpAnswer answer = probe.get(lookup_target("ada@social.example"));
  REQUIRE(answer.status == 200);
  CHECK(answer.header("content-type") == "application/json; charset=utf-8");
  auto account = parse(answer.body).as_object();
  CHECK(account.at("id").as_string() == mastodon_id(1));
  CHECK(account.at("avatar").as_string() == server.url() + "/media/ada%40social.example/ada-avatar.png");
  CHECK(account.at("avatar_static").as_string() == account.at("avatar").as_string());
  CHECK(header_number(answer, "x-ratelimit-limit") == 100000);
  CHECK(header_number(answer, "x-ratelimit-remaining") == 99999);
  long long reset = iso_reset(answer);  // an ISO 8601 time, as Mastodon sends
  CHECK(reset > epoch_now() + 800);
  CHECK(reset <= epoch_now() + 901);
  CHECK(answer.header("x-rate-limit-reset").empty());
  CHECK(answer.header("ratelimit-reset").empty());

  // The local part alone, any letter case, a leading @, a %-encoded @.
  for (const char* acct : {"ada", "ADA@Social.Example", "%40ada%40social.example", "bo", "bo%40other.example"}) {
    HttpAnswer found = probe.get(lookup_target(acct));
    INFO(acct);
    CHECK(found.status == 200);
  }
  CHECK(parse(probe.get(lookup_target("bo")).body).at("id").as_string() == mastodon_id(2));

  check_mastodon_error(probe.get(lookup_target("nobody@social.example")), 404, "Record not found");
  check_mastodon_error(probe.get(lookup_target("ada@other.example")), 404, "Record not found");
  check_mastodon_error(probe.get(lookup_target("wren.bsky.social")), 404, "Record not found");
  HttpAnswer missing = probe.get("/api/v1/accounts/lookup");
  check_mastodon_error(missing, 400, "param is missing or the value is empty: acct");
  CHECK(!missing.header("x-ratelimit-remaining").empty());
  check_mastodon_error(probe.get("/api/v1/accounts/lookup?acct="), 400, "param is missing or the value is empty: acct");
  check_mastodon_error(probe.get("/api/v1/timelines/public"), 404, "Not Found");
}

TEST_CASE("fake-x-api as Mastodon: statuses pages with max_id and the Link header") {
  SocialDataset data;
  FakeXApi server(data.server());
  HttpProbe probe(server.url());
  const std::string id = mastodon_id(1);
  const std::string base = server.url() + "/api/v1/accounts/" + id + "/statuses";

  HttpAnswer first = probe.get(statuses_target(id));
  REQUIRE(first.status == 200);
  auto page = parse(first.body).as_array();
  REQUIRE(page.size() == 2);
  CHECK(page.at(0).at("id").as_string() == "11350000000001300");
  CHECK(first.header("link") == "<" + base + "?limit=40&max_id=11350000000001200>; rel=\"next\", <" + base +
                                    "?limit=40&min_id=11350000000001300>; rel=\"prev\"");
  const auto& status = page.at(0).as_object();
  CHECK(status.at("media_attachments").at(0).at("url").as_string() ==
        server.url() + "/media/ada%40social.example/photo.png");
  CHECK(status.at("media_attachments").at(0).at("preview_url").as_string() ==
        server.url() + "/media/ada%40social.example/photo.png");
  CHECK(status.at("emojis").at(0).at("static_url").as_string() == server.url() + "/media/ada%40social.example/wave.png");
  CHECK(status.at("account").at("avatar").as_string() == server.url() + "/media/ada%40social.example/ada-avatar.png");
  CHECK(status.at("url").as_string() == "https://social.example/@ada/11350000000001300");  // not a relative one
  CHECK(header_number(first, "x-ratelimit-remaining") == 99999);

  // The next page, as the Link header names it: the last one, so only a prev link.
  HttpAnswer second = probe.get(statuses_target(id, "&max_id=11350000000001200"));
  REQUIRE(second.status == 200);
  CHECK(parse(second.body).as_array().size() == 1);
  CHECK(second.header("link") == "<" + base + "?limit=40&min_id=11350000000001100>; rel=\"prev\"");

  // Past the last page, and newer than the newest: nothing, and no Link.
  for (const std::string more : {"&max_id=11350000000001100", "&min_id=11350000000001300", "&since_id=1"}) {
    HttpAnswer empty = probe.get(statuses_target(id, more));
    CHECK(empty.status == 200);
    CHECK(empty.body == "[]");
    CHECK(empty.header("link").empty());
  }

  // The request's filters are carried in the links, in name order; no limit, none in the links.
  HttpAnswer filtered = probe.get("/api/v1/accounts/" + id + "/statuses?only_media=false&exclude_replies=true&tagged=caf%C3%A9");
  CHECK(filtered.status == 200);
  CHECK(filtered.header("link") == "<" + base + "?exclude_replies=true&max_id=11350000000001200&only_media=false&tagged=caf%C3%A9>; rel=\"next\", <" +
                                       base + "?exclude_replies=true&min_id=11350000000001300&only_media=false&tagged=caf%C3%A9>; rel=\"prev\"");
  // Mastodon clamps a big limit (not an error) and ignores parameters it does not know.
  CHECK(probe.get(statuses_target(id, "&limit=80&exclude_reblogs=1&pinned=false&colour=red")).status == 200);

  check_mastodon_error(probe.get("/api/v1/accounts/" + id + "/statuses?limit=forty"), 400, "limit must be a number, not 'forty'");
  check_mastodon_error(probe.get(statuses_target(id, "&max_id=..%2Faccount")), 400, "max_id is not a valid id: '../account'");
  HttpAnswer unknown = probe.get(statuses_target("42"));
  check_mastodon_error(unknown, 404, "Record not found");
  CHECK(!unknown.header("x-ratelimit-reset").empty());
  check_mastodon_error(probe.get(statuses_target(did_of("wren.bsky.social"))), 404, "Record not found");

  // The pictures, with '@' in the handle: %-encoded as the URLs have it, or not.
  HttpAnswer emoji = probe.get("/media/ada%40social.example/wave.png");
  CHECK(emoji.status == 200);
  CHECK(emoji.body == picture("wave.png"));
  CHECK(probe.get("/media/ada@social.example/photo.png").body == picture("photo.png"));
  CHECK(probe.get("/media/ADA@social.example/photo.png").status == 200);
  CHECK(probe.get("/media/ada@social.example/%2E%2E/faults.json").status == 404);
}

// --- Both --------------------------------------------------------------------------------

TEST_CASE("fake-x-api: --rate-limit applies to the Bluesky and Mastodon endpoints, each network's 429 until the reset") {
  SocialDataset data;
  FakeXApi server(data.server({"--rate-limit", "2", "--rate-window", "2"}));
  HttpProbe probe(server.url());

  SECTION("Bluesky: RateLimitExceeded with ratelimit-remaining 0 and retry-after") {
    HttpAnswer first = probe.get(feed_target("wren.bsky.social"));
    HttpAnswer second = probe.get(feed_target("wren.bsky.social"));
    HttpAnswer third = probe.get(feed_target("wren.bsky.social"));
    CHECK(header_number(first, "ratelimit-remaining") == 1);
    CHECK(header_number(second, "ratelimit-remaining") == 0);
    check_xrpc_error(third, 429, "RateLimitExceeded", "Rate Limit Exceeded");
    CHECK(header_number(third, "ratelimit-limit") == 2);
    CHECK(header_number(third, "ratelimit-remaining") == 0);
    CHECK(third.header("ratelimit-policy") == "2;w=2");
    long long reset = header_number(third, "ratelimit-reset");
    CHECK(header_number(third, "retry-after") >= 0);
    CHECK(header_number(third, "retry-after") <= 2);
    CHECK(probe.get(profile_target("wren.bsky.social")).status == 200);  // its own window
    sleep_until_epoch(reset);
    HttpAnswer after = probe.get(feed_target("wren.bsky.social"));
    CHECK(after.status == 200);
    CHECK(header_number(after, "ratelimit-remaining") == 1);
  }
  SECTION("Mastodon: Too many requests with x-ratelimit-remaining 0") {
    std::string id = mastodon_id(1);
    probe.get(statuses_target(id));
    HttpAnswer second = probe.get(statuses_target(id));
    HttpAnswer third = probe.get(statuses_target(id));
    CHECK(header_number(second, "x-ratelimit-remaining") == 0);
    check_mastodon_error(third, 429, "Too many requests");
    CHECK(header_number(third, "x-ratelimit-remaining") == 0);
    CHECK(third.header("link").empty());
    long long reset = iso_reset(third);
    CHECK(reset <= epoch_now() + 3);
    CHECK(probe.get(lookup_target("ada")).status == 200);  // its own window
    sleep_until_epoch(reset);
    CHECK(probe.get(statuses_target(id)).status == 200);
  }
}

TEST_CASE("fake-x-api: the faults file on the Bluesky and Mastodon routes") {
  SocialDataset data;
  FakeXApi server(data.server());
  HttpProbe probe(server.url());
  auto feed = [&](const std::string& handle) { return feed_target(handle); };
  auto statuses = [&](const std::string& address) {
    return statuses_target(std::string(parse(probe.get(lookup_target(address)).body).at("id").as_string()));
  };

  SECTION("status_429: 429 with the reset ahead, again until that reset, then the page") {
    HttpAnswer limited = probe.get(feed("busy.bsky.social"));
    check_xrpc_error(limited, 429, "RateLimitExceeded");
    CHECK(header_number(limited, "ratelimit-remaining") == 0);
    long long reset = header_number(limited, "ratelimit-reset");
    CHECK(reset >= epoch_now() + 1);
    CHECK(reset <= epoch_now() + 3);
    CHECK(header_number(limited, "retry-after") >= 1);
    CHECK(header_number(limited, "retry-after") <= 3);  // the reset is rounded up to the second

    std::string busy_statuses = statuses("busy@social.example");
    HttpAnswer mastodon_limited = probe.get(busy_statuses);
    check_mastodon_error(mastodon_limited, 429, "Too many requests");
    CHECK(header_number(mastodon_limited, "x-ratelimit-remaining") == 0);
    long long mastodon_reset = iso_reset(mastodon_limited);
    CHECK(mastodon_reset >= epoch_now() + 1);

    HttpAnswer early = probe.get(feed("busy.bsky.social"));
    CHECK(early.status == 429);
    CHECK(header_number(early, "ratelimit-reset") == reset);
    CHECK(probe.get(busy_statuses).status == 429);
    sleep_until_epoch(std::max(reset, mastodon_reset));
    CHECK(probe.get(feed("busy.bsky.social")).status == 200);
    CHECK(probe.get(busy_statuses).status == 200);

    auto lines = data.log_lines();
    std::vector<std::string> feed_faults;
    for (const auto& line : lines)
      if (line.at("endpoint").as_string() == "feed")
        feed_faults.push_back(line.at("fault").is_null() ? "" : std::string(line.at("fault").as_string()));
    CHECK(feed_faults == std::vector<std::string>{"status_429", "status_429_before_reset", ""});
  }
  SECTION("status_500 then status_503: each network's error bodies, then the page") {
    check_xrpc_error(probe.get(feed("flaky.bsky.social")), 500, "InternalServerError", "Internal Server Error");
    check_xrpc_error(probe.get(feed("flaky.bsky.social")), 503, "NotEnoughResources", "Not Enough Resources");
    CHECK(probe.get(feed("flaky.bsky.social")).status == 200);
    std::string flaky = statuses("flaky@social.example");
    check_mastodon_error(probe.get(flaky), 500, "Internal Server Error");
    HttpAnswer unavailable = probe.get(flaky);
    check_mastodon_error(unavailable, 503, "Service Unavailable");
    CHECK(!unavailable.header("x-ratelimit-remaining").empty());
    CHECK(probe.get(flaky).status == 200);
  }
  SECTION("user_status_502: getProfile and the lookup fail once, their feed and statuses do not") {
    check_xrpc_error(probe.get(profile_target("lookup.bsky.social")), 502, "UpstreamFailure", "Upstream Failure");
    CHECK(probe.get(profile_target("lookup.bsky.social")).status == 200);
    CHECK(probe.get(feed("lookup.bsky.social")).status == 200);
    check_mastodon_error(probe.get(lookup_target("lookup@social.example")), 502, "Bad Gateway");
    CHECK(probe.get(lookup_target("lookup")).status == 200);
  }
  SECTION("slow and trickle: a late header once, a body spread out twice") {
    for (const std::string& target : {feed("slow.bsky.social"), statuses("slow@social.example")}) {
      HttpAnswer slow = probe.get(target);
      CHECK(slow.status == 200);
      CHECK(slow.header_seconds >= 0.55);
      CHECK(slow.seconds >= 1.1);
      CHECK(is_json(slow.body));
      HttpAnswer trickled = probe.get(target);
      CHECK(trickled.header_seconds < 0.5);
      CHECK(trickled.seconds >= 0.55);
      CHECK(is_json(trickled.body));
      HttpAnswer quick = probe.get(target);
      CHECK(quick.seconds < 0.5);
    }
  }
  SECTION("drop, truncate, garbage, then the page") {
    for (const std::string& target : {feed("broken.bsky.social"), statuses("broken@social.example")}) {
      HttpAnswer dropped = probe.get(target);
      CHECK(dropped.status == 200);
      CHECK_FALSE(dropped.error.empty());
      long long length = header_number(dropped, "content-length");
      CHECK(static_cast<long long>(dropped.body.size()) == length / 2);
      HttpAnswer truncated = probe.get(target);
      CHECK(truncated.error.empty());
      CHECK(static_cast<long long>(truncated.body.size()) == length / 2);
      CHECK_FALSE(is_json(truncated.body));
      HttpAnswer garbage = probe.get(target);
      CHECK(garbage.status == 200);
      CHECK(garbage.header("content-type") == "application/json; charset=utf-8");
      CHECK_FALSE(is_json(garbage.body));
      HttpAnswer whole = probe.get(target);
      CHECK(static_cast<long long>(whole.body.size()) == length);
      CHECK(is_json(whole.body));
    }
  }
  SECTION("huge: valid JSON in each network's shape, announced by Content-Length") {
    HttpAnswer bluesky = probe.get(feed("huge.bsky.social"));
    CHECK(header_number(bluesky, "content-length") == 512 * 1024);
    auto padded = parse(bluesky.body).as_object();
    CHECK(padded.at("feed").as_array().empty());
    CHECK(padded.at("padding").as_string().size() > 500000);
    CHECK(bluesky.body.size() == 512u * 1024);

    HttpAnswer mastodon = probe.get(statuses("huge@social.example"));
    CHECK(header_number(mastodon, "content-length") == 512 * 1024);
    CHECK(mastodon.body.size() == 512u * 1024);
    CHECK(parse(mastodon.body).as_array().empty());  // "[", spaces, "]"
    HttpAnswer account = probe.get(lookup_target("huge@social.example"));
    CHECK(account.status == 200);  // the account is not huge: user_ keys would make it so
    CHECK(account.body.size() < 10000);
  }
  SECTION("huge_chunked: no Content-Length, a client's limit must count while reading") {
    for (const std::string& target : {feed("chunked.bsky.social"), statuses("chunked@social.example")}) {
      HttpAnswer answer = probe.get(target, std::nullopt, 1024 * 1024);
      CHECK(answer.status == 200);
      CHECK(answer.header("transfer-encoding") == "chunked");
      CHECK(answer.header("content-length").empty());
      CHECK(answer.error == "body limit exceeded");
    }
  }
  SECTION("media_ faults apply to the handle's pictures, '.' and '@' in its name") {
    auto page = parse(probe.get(feed("pics.bsky.social")).body);
    std::string bluesky_photo(page.at("feed").at(0).at("post").at("embed").at("images").at(0).at("fullsize").as_string());
    auto statuses_page = parse(probe.get(statuses("pics@social.example")).body);
    std::string mastodon_photo(statuses_page.at(0).at("media_attachments").at(0).at("url").as_string());
    CHECK(target_of(server, mastodon_photo) == "/media/pics%40social.example/photo.png");
    for (const std::string& url : {bluesky_photo, mastodon_photo}) {
      HttpAnswer missing = probe.get(target_of(server, url));
      CHECK(missing.status == 404);
      HttpAnswer dropped = probe.get(target_of(server, url));
      CHECK_FALSE(dropped.error.empty());
      HttpAnswer whole = probe.get(target_of(server, url));
      CHECK(whole.status == 200);
      CHECK(whole.body == picture("photo.png"));
    }
  }
  SECTION("handles without faults are served as stored") {
    CHECK(probe.get(feed("wren.bsky.social")).status == 200);
    CHECK(probe.get(statuses_target(mastodon_id(1))).status == 200);
  }
}

TEST_CASE("fake-x-api: the request log names the Bluesky and Mastodon endpoints and handles") {
  SocialDataset data;
  {
    FakeXApi server(data.server({"--token", token}));
    HttpProbe probe(server.url());
    probe.get(profile_target("Wren.bsky.social"));
    probe.get(feed_target(did_of("wren.bsky.social"), "&cursor=2026-11-24T08:00:00.000Z"));
    probe.get(profile_target("nobody.bsky.social"));
    probe.get(lookup_target("ada"));
    probe.get(statuses_target(mastodon_id(1), "&max_id=11350000000001200"));
    probe.get("/media/ada%40social.example/photo.png");
    probe.get("/xrpc/app.bsky.feed.getTimeline");
    probe.get(feed_target("flaky.bsky.social"));
    CHECK(server.stop() == 0);
  }
  auto lines = data.log_lines();
  REQUIRE(lines.size() == 8);
  auto check_line = [&](std::size_t at, const char* endpoint, const char* handle, int status, long n) {
    INFO(json::serialize(lines[at]));
    CHECK(lines[at].at("endpoint").as_string() == endpoint);
    if (handle) CHECK(lines[at].at("handle").as_string() == handle);
    else CHECK(lines[at].at("handle").is_null());
    CHECK(lines[at].at("status").as_int64() == status);
    CHECK(lines[at].at("n").as_int64() == n);
    CHECK(lines[at].at("auth").as_string() == "none");  // no token asked of these
  };
  check_line(0, "profile", "wren.bsky.social", 200, 1);
  check_line(1, "feed", "wren.bsky.social", 200, 1);
  check_line(2, "profile", "nobody.bsky.social", 400, 1);
  check_line(3, "lookup", "ada@social.example", 200, 1);
  check_line(4, "statuses", "ada@social.example", 200, 1);
  check_line(5, "media", "ada@social.example", 200, 1);
  check_line(6, "other", nullptr, 501, 0);
  check_line(7, "feed", "flaky.bsky.social", 500, 1);
  CHECK(lines[1].at("query").at("cursor").as_string() == "2026-11-24T08:00:00.000Z");
  CHECK(lines[4].at("path").as_string() == "/api/v1/accounts/" + mastodon_id(1) + "/statuses");
  CHECK(lines[4].at("query").at("max_id").as_string() == "11350000000001200");
  CHECK(lines[5].at("path").as_string() == "/media/ada@social.example/photo.png");
  CHECK(lines[7].at("fault").as_string() == "status_500");
}

TEST_CASE("fake-x-api: one server answers as X, Bluesky and Mastodon at once; X still wants its token") {
  SocialDataset data;
  std::string sample = (test::source_dir() / "data" / "sample").string();
  FakeXApi server({"--data", sample, "--data", data.root.string(), "--token", token});
  HttpProbe probe(server.url());
  CHECK(probe.get("/2/users/by/username/orbit_daily").status == 401);
  HttpAnswer x = probe.get("/2/users/by/username/orbit_daily", token);
  CHECK(x.status == 200);
  CHECK(!x.header("x-rate-limit-remaining").empty());
  CHECK(x.header("ratelimit-remaining").empty());
  CHECK(probe.get(profile_target("wren.bsky.social")).status == 200);
  CHECK(probe.get(lookup_target("ada@social.example")).status == 200);
  // A network's handles are not another's: X does not know the Bluesky or Mastodon ones.
  HttpAnswer not_x = probe.get("/2/users/by/username/ada", token);
  CHECK(not_x.status == 200);
  CHECK(parse(not_x.body).as_object().contains("errors"));
  check_xrpc_error(probe.get(profile_target("orbit.example")), 400, "InvalidRequest", "Profile not found");
  check_mastodon_error(probe.get(lookup_target("orbit_daily")), 404, "Record not found");
  // Pictures of every network's handles from the one media route.
  CHECK(probe.get("/media/orbit_daily/wide-launchpad.jpg").status == 200);
  CHECK(probe.get("/media/wren.bsky.social/photo.png").status == 200);

  auto help = test::run_command(test::shell_quote(test::fake_x_api_binary()) + " --help");
  CHECK(help.output.find("/xrpc/app.bsky.feed.getAuthorFeed") != std::string::npos);
  CHECK(help.output.find("/api/v1/accounts/:id/statuses") != std::string::npos);
}

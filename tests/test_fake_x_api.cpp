// fake-x-api (tools/fake-x-api), the fake X API v2 server of the live client's integration
// tests, checked from outside: the real process on a free port, a real HTTP client
// (support/http_probe), the bundled sample data and the live fixtures (tests/fixtures/live).
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "support/fake_x_api.hpp"
#include "support/http_probe.hpp"
#include "support/paths.hpp"
#include "support/test_certificates.hpp"

using namespace pipectl;
namespace fs = std::filesystem;
namespace json = boost::json;
using test::FakeXApi;
using test::HttpAnswer;
using test::HttpProbe;

namespace {

const std::string token = "fx-test-token-7d1c";
const std::string orbit_id = "1106124532024467457";  // data/sample/orbit_daily
const std::string daybook_id = "1590000000000000101";
const std::string photo_day_id = "1590000000000000102";

std::string sample_data() { return (test::source_dir() / "data" / "sample").string(); }
std::string live_data() { return test::live_fixtures().string(); }
std::string live_faults() { return (test::live_fixtures() / "faults.json").string(); }

// A server on the live fixtures with their faults file (fresh counters for each one).
std::vector<std::string> live_server(std::vector<std::string> more = {}) {
  std::vector<std::string> arguments{"--data", live_data(), "--token", token, "--faults", live_faults()};
  arguments.insert(arguments.end(), more.begin(), more.end());
  return arguments;
}

json::object parse_object(const std::string& body) {
  json::value value = json::parse(body);
  REQUIRE(value.is_object());
  return value.get_object();
}

bool is_json(const std::string& body) {
  json::error_code error;
  json::parse(body, error);
  return !error;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<json::object> log_lines(const fs::path& file) {
  std::vector<json::object> lines;
  std::istringstream text(read_file(file));
  for (std::string line; std::getline(text, line);) lines.push_back(parse_object(line));
  return lines;
}

std::string timeline(const std::string& id, const std::string& query = "max_results=100") {
  return std::string("/2/users/").append(id).append("/tweets?").append(query);
}

// The path of an absolute URL that `server` wrote into a response.
std::string target_of(const FakeXApi& server, const std::string& url) {
  REQUIRE(url.rfind(server.url(), 0) == 0);
  return url.substr(server.url().size());
}

long header_number(const HttpAnswer& answer, const std::string& name) {
  REQUIRE(!answer.header(name).empty());
  return std::stol(answer.header(name));
}

long long epoch_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void sleep_until_epoch(long long epoch) {
  std::this_thread::sleep_until(std::chrono::system_clock::time_point(std::chrono::seconds(epoch)) +
                                std::chrono::milliseconds(50));
}

// The server's resident memory in MiB (VmRSS).
long resident_mib(pid_t pid) {
  std::istringstream status(read_file(fs::path("/proc") / std::to_string(pid) / "status"));
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6)) / 1024;
  return -1;
}

}  // namespace

TEST_CASE("fake-x-api: the user lookup serves user.json with absolute media URLs and rate-limit headers") {
  FakeXApi server({"--data", sample_data(), "--token", token});
  REQUIRE(server.url().rfind("http://127.0.0.1:", 0) == 0);
  HttpProbe probe(server.url());

  HttpAnswer answer = probe.get("/2/users/by/username/orbit_daily?user.fields=profile_image_url", token);
  REQUIRE(answer.error.empty());
  CHECK(answer.status == 200);
  CHECK(answer.header("content-type") == "application/json; charset=utf-8");
  auto user = parse_object(answer.body).at("data").as_object();
  CHECK(user.at("id").as_string() == orbit_id);
  CHECK(user.at("profile_image_url").as_string() == server.url() + "/media/orbit_daily/orbit_daily-avatar.png");
  CHECK(header_number(answer, "x-rate-limit-limit") == 100000);
  CHECK(header_number(answer, "x-rate-limit-remaining") == 99999);
  long reset = header_number(answer, "x-rate-limit-reset");
  CHECK(reset > epoch_now() + 800);  // a 15-minute window
  CHECK(reset <= epoch_now() + 901);

  // Usernames match without regard to case, as on the real API.
  answer = probe.get("/2/users/by/username/ORBIT_Daily", token);
  CHECK(parse_object(answer.body).at("data").at("username").as_string() == "orbit_daily");
  CHECK(header_number(answer, "x-rate-limit-remaining") == 99998);
}

TEST_CASE("fake-x-api: unknown, suspended and protected users answer as the real API") {
  FakeXApi server(live_server());
  HttpProbe probe(server.url());

  // Unknown: HTTP 200 and a resource-not-found error.
  HttpAnswer answer = probe.get("/2/users/by/username/nobody_here", token);
  CHECK(answer.status == 200);
  auto error = parse_object(answer.body).at("errors").at(0).as_object();
  CHECK(error.at("title").as_string() == "Not Found Error");
  CHECK(error.at("detail").as_string() == "Could not find user with username: [nobody_here].");
  CHECK(error.at("type").as_string() == "https://api.twitter.com/2/problems/resource-not-found");
  CHECK(error.at("resource_type").as_string() == "user");
  CHECK(error.at("parameter").as_string() == "username");
  CHECK(error.at("value").as_string() == "nobody_here");

  // Suspended: HTTP 200, "Forbidden", still typed resource-not-found.
  answer = probe.get("/2/users/by/username/suspended_user", token);
  CHECK(answer.status == 200);
  error = parse_object(answer.body).at("errors").at(0).as_object();
  CHECK(error.at("title").as_string() == "Forbidden");
  CHECK(error.at("detail").as_string() == "User has been suspended: [suspended_user].");

  // Protected: the lookup works and says so; the timeline is an authorization error.
  answer = probe.get("/2/users/by/username/protected_user", token);
  auto user = parse_object(answer.body).at("data").as_object();
  CHECK(user.at("protected").as_bool());
  answer = probe.get(timeline(std::string(user.at("id").as_string())), token);
  CHECK(answer.status == 200);
  error = parse_object(answer.body).at("errors").at(0).as_object();
  CHECK(error.at("title").as_string() == "Authorization Error");
  CHECK(error.at("type").as_string() == "https://api.twitter.com/2/problems/not-authorized-for-resource");

  // A user id nobody has.
  answer = probe.get(timeline("42"), token);
  CHECK(answer.status == 200);
  CHECK(parse_object(answer.body).at("errors").at(0).at("detail").as_string() == "Could not find user with id: [42].");
}

TEST_CASE("fake-x-api: timeline pages follow meta.next_token to the last page") {
  SECTION("the sample's orbit_daily: 3 pages, 12 posts") {
    FakeXApi server({"--data", sample_data(), "--token", token});
    HttpProbe probe(server.url());
    std::vector<std::string> tokens;
    int posts = 0;
    std::string query = "max_results=100&start_time=2026-11-24T00:00:00Z&end_time=2026-11-25T00:00:00Z";
    for (int page = 1; page <= 5; ++page) {
      HttpAnswer answer = probe.get(timeline(orbit_id, query), token);
      REQUIRE(answer.status == 200);
      auto body = parse_object(answer.body);
      posts += static_cast<int>(body.at("data").as_array().size());
      for (const auto& media : body.at("includes").as_object().if_contains("media") ? body.at("includes").at("media").as_array()
                                                                                     : json::array{}) {
        const json::value* url = media.as_object().if_contains("url");
        if (!url) url = media.as_object().if_contains("preview_image_url");
        REQUIRE(url);
        CHECK(std::string(url->as_string()).rfind(server.url() + "/media/orbit_daily/", 0) == 0);
      }
      const json::value* next = body.at("meta").as_object().if_contains("next_token");
      if (!next) break;
      tokens.emplace_back(next->as_string());
      query = std::string("max_results=100&pagination_token=").append(tokens.back());
    }
    CHECK(tokens == std::vector<std::string>{"page-2", "page-3"});
    CHECK(posts == 12);
  }
  SECTION("the live fixtures' daybook: 3 pages with opaque tokens, 7 posts") {
    FakeXApi server(live_server());
    HttpProbe probe(server.url());
    int pages = 0, posts = 0;
    std::string query = "max_results=5";
    while (true) {
      HttpAnswer answer = probe.get(timeline(daybook_id, query), token);
      REQUIRE(answer.status == 200);
      auto body = parse_object(answer.body);
      ++pages;
      posts += static_cast<int>(body.at("data").as_array().size());
      const json::value* next = body.at("meta").as_object().if_contains("next_token");
      if (!next) break;
      CHECK(next->as_string().size() > 20);
      query = std::string("max_results=5&pagination_token=").append(next->as_string());
    }
    CHECK(pages == 3);
    CHECK(posts == 7);
    CHECK(probe.connections() == 1);  // all on one keep-alive connection
  }
}

TEST_CASE("fake-x-api: bad requests are refused as the API refuses them (HTTP 400)") {
  FakeXApi server({"--data", sample_data(), "--token", token});
  HttpProbe probe(server.url());
  auto refused = [&](const std::string& target, const std::string& parameter) {
    HttpAnswer answer = probe.get(target, token);
    CHECK(answer.status == 400);
    auto body = parse_object(answer.body);
    CHECK(body.at("title").as_string() == "Invalid Request");
    CHECK(body.at("type").as_string() == "https://api.twitter.com/2/problems/invalid-request");
    CHECK(body.at("errors").at(0).at("parameters").as_object().contains(parameter));
  };
  refused(timeline(orbit_id, "max_results=3"), "max_results");
  refused(timeline(orbit_id, "max_results=101"), "max_results");
  refused(timeline(orbit_id, "start_time=2026-11-24"), "start_time");
  refused(timeline(orbit_id, "post.fields=created_at"), "post.fields");  // 2.167's name, not the live API's
  refused(timeline(orbit_id, "pagination_token=page-9"), "pagination_token");
  refused(timeline(orbit_id, "pagination_token=..%2Fuser"), "pagination_token");
  refused(timeline("12ab"), "id");
  refused("/2/users/by/username/not-a-handle", "username");
  refused("/2/users/by/username/orbit_daily?max_results=10", "max_results");

  HttpAnswer answer = probe.get("/2/tweets/search/recent?query=x", token);
  CHECK(answer.status == 404);
  CHECK(parse_object(answer.body).at("errors").at(0).at("code").as_int64() == 34);
}

TEST_CASE("fake-x-api: media files are served with their bytes and type, and nothing outside media/") {
  FakeXApi server(live_server());
  HttpProbe probe(server.url());
  auto page = parse_object(probe.get(timeline(photo_day_id), token).body);
  std::string photo_url(page.at("includes").at("media").at(0).at("url").as_string());
  std::string avatar_url(page.at("includes").at("users").at(0).at("profile_image_url").as_string());
  CHECK(photo_url == server.url() + "/media/photo_day/sunrise-64x36.png");
  CHECK(avatar_url == server.url() + "/media/photo_day/photo_day-avatar.png");

  for (const auto& [url, file] : {std::pair{photo_url, "sunrise-64x36.png"}, std::pair{avatar_url, "photo_day-avatar.png"}}) {
    HttpAnswer answer = probe.get(target_of(server, url));  // no token: the media host needs none
    CHECK(answer.status == 200);
    CHECK(answer.header("content-type") == "image/png");
    CHECK(answer.body == read_file(test::live_fixtures() / "media" / file));
    CHECK(answer.header("x-rate-limit-limit").empty());
  }
  // The sample's types.
  FakeXApi sample({"--data", sample_data()});
  HttpProbe sample_probe(sample.url());
  CHECK(sample_probe.get("/media/orbit_daily/wide-launchpad.jpg").header("content-type") == "image/jpeg");
  CHECK(sample_probe.get("/media/sakura_lab/crystal-4x3.webp").header("content-type") == "image/webp");

  CHECK(probe.get("/media/photo_day/missing.png").status == 404);
  CHECK(probe.get("/media/photo_day/../photo_day/user.json").status == 404);
  CHECK(probe.get("/media/photo_day/%2E%2E/faults.json").status == 404);
  CHECK(probe.get("/media/nobody_here/sunrise-64x36.png").status == 404);
}

TEST_CASE("fake-x-api: without the bearer token the API answers 401, and the token is never shown") {
  test::TempDir folder("fake-x-api");
  fs::path log = folder.path() / "requests.jsonl";
  fs::path errors = folder.path() / "stderr.txt";
  {
    FakeXApi server(live_server({"--log", log.string()}), errors);
    HttpProbe probe(server.url());
    for (const auto& sent : {std::optional<std::string>(), std::optional<std::string>("wrong-token")}) {
      HttpAnswer answer = probe.get("/2/users/by/username/daybook", sent);
      CHECK(answer.status == 401);
      CHECK(answer.header("content-type") == "application/problem+json");
      auto body = parse_object(answer.body);
      CHECK(body.at("title").as_string() == "Unauthorized");
      CHECK(body.at("status").as_int64() == 401);
      CHECK(answer.header("x-rate-limit-remaining").empty());  // the real 401 has none either
    }
    CHECK(probe.get("/2/users/by/username/daybook", token).status == 200);
    // A client that puts the token in the query does not get it into the log.
    probe.get(timeline(daybook_id, std::string("max_results=5&access_token=").append(token)), token);
    CHECK(server.stop() == 0);
  }
  auto lines = log_lines(log);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].at("auth").as_string() == "missing");
  CHECK(lines[1].at("auth").as_string() == "wrong");
  CHECK(lines[2].at("auth").as_string() == "ok");
  CHECK(lines[0].at("endpoint").as_string() == "user");
  CHECK(read_file(log).find(token) == std::string::npos);
  CHECK(read_file(errors).find(token) == std::string::npos);
}

TEST_CASE("fake-x-api: --rate-limit N per window per endpoint, then 429 until the reset") {
  FakeXApi server({"--data", sample_data(), "--rate-limit", "2", "--rate-window", "2"});
  HttpProbe probe(server.url());
  HttpAnswer first = probe.get(timeline(orbit_id));
  HttpAnswer second = probe.get(timeline(orbit_id));
  HttpAnswer third = probe.get(timeline(orbit_id));
  CHECK(first.status == 200);
  CHECK(header_number(first, "x-rate-limit-remaining") == 1);
  CHECK(header_number(second, "x-rate-limit-remaining") == 0);
  CHECK(third.status == 429);
  CHECK(header_number(third, "x-rate-limit-limit") == 2);
  CHECK(header_number(third, "x-rate-limit-remaining") == 0);
  CHECK(parse_object(third.body).at("title").as_string() == "Too Many Requests");
  // The other endpoint has its own window.
  CHECK(probe.get("/2/users/by/username/orbit_daily").status == 200);

  sleep_until_epoch(header_number(third, "x-rate-limit-reset"));
  HttpAnswer after = probe.get(timeline(orbit_id));
  CHECK(after.status == 200);
  CHECK(header_number(after, "x-rate-limit-remaining") == 1);
}

TEST_CASE("fake-x-api: faults of the live fixtures' faults file") {
  test::TempDir folder("fake-x-api");
  fs::path log = folder.path() / "requests.jsonl";
  FakeXApi server(live_server({"--log", log.string()}));
  HttpProbe probe(server.url());
  auto id_of = [&](const std::string& handle) {
    return std::string(parse_object(probe.get("/2/users/by/username/" + handle, token).body).at("data").at("id").as_string());
  };

  SECTION("busy: 429 with remaining 0 and a reset 2 s ahead, again until that reset, then the page") {
    std::string id = id_of("busy");
    HttpAnswer limited = probe.get(timeline(id), token);
    CHECK(limited.status == 429);
    CHECK(header_number(limited, "x-rate-limit-remaining") == 0);
    long reset = header_number(limited, "x-rate-limit-reset");
    CHECK(reset >= epoch_now() + 1);
    CHECK(reset <= epoch_now() + 3);
    HttpAnswer early = probe.get(timeline(id), token);
    CHECK(early.status == 429);
    CHECK(header_number(early, "x-rate-limit-reset") == reset);
    sleep_until_epoch(reset);
    HttpAnswer after = probe.get(timeline(id), token);
    CHECK(after.status == 200);
    CHECK(header_number(after, "x-rate-limit-remaining") > 0);
    auto lines = log_lines(log);
    REQUIRE(lines.size() == 4);
    CHECK(lines[1].at("fault").as_string() == "status_429");
    CHECK(lines[2].at("fault").as_string() == "status_429_before_reset");
    CHECK(lines[3].at("fault").is_null());
    CHECK(lines[3].at("n").as_int64() == 3);
  }
  SECTION("flaky: 500 twice, then the page") {
    std::string id = id_of("flaky");
    CHECK(probe.get(timeline(id), token).status == 500);
    HttpAnswer second = probe.get(timeline(id), token);
    CHECK(second.status == 500);
    CHECK(parse_object(second.body).at("title").as_string() == "Internal Server Error");
    CHECK(probe.get(timeline(id), token).status == 200);
  }
  SECTION("slowpoke: 3 s before the headers of each page; its user lookup is quick") {
    std::string id = id_of("slowpoke");
    HttpAnswer answer = probe.get(timeline(id), token);
    CHECK(answer.status == 200);
    CHECK(answer.header_seconds >= 2.9);
    CHECK(answer.header_seconds < 6);
    HttpAnswer lookup = probe.get("/2/users/by/username/slowpoke", token);
    CHECK(lookup.seconds < 1);
  }
  SECTION("trickler: the headers at once, the body over 2 s") {
    HttpAnswer answer = probe.get(timeline(id_of("trickler")), token);
    CHECK(answer.error.empty());
    CHECK(answer.header_seconds < 1);
    CHECK(answer.seconds >= 1.8);
    CHECK(is_json(answer.body));
  }
  SECTION("dropper: the first page stops half-way (a short read), the retry is whole") {
    std::string id = id_of("dropper");
    HttpAnswer dropped = probe.get(timeline(id), token);
    CHECK(dropped.status == 200);
    CHECK_FALSE(dropped.error.empty());
    long length = header_number(dropped, "content-length");
    CHECK(static_cast<long>(dropped.body.size()) == length / 2);
    HttpAnswer retry = probe.get(timeline(id), token);
    CHECK(retry.error.empty());
    CHECK(static_cast<long>(retry.body.size()) == length);
    CHECK(is_json(retry.body));
  }
  SECTION("truncated: valid HTTP, JSON cut off, every time") {
    std::string id = id_of("truncated");
    for (int attempt = 0; attempt < 2; ++attempt) {
      HttpAnswer answer = probe.get(timeline(id), token);
      CHECK(answer.status == 200);
      CHECK(answer.error.empty());
      CHECK(static_cast<long>(answer.body.size()) == header_number(answer, "content-length"));
      CHECK_FALSE(is_json(answer.body));
      CHECK(answer.body.rfind("{\"data\":[{", 0) == 0);
    }
  }
  SECTION("garbage: a JSON content type and a body that is not JSON") {
    HttpAnswer answer = probe.get(timeline(id_of("garbage")), token);
    CHECK(answer.status == 200);
    CHECK(answer.header("content-type") == "application/json; charset=utf-8");
    CHECK_FALSE(is_json(answer.body));
  }
  SECTION("huge: 200 MiB announced and streamed, without the server holding it") {
    std::string id = id_of("huge");
    HttpAnswer start = probe.get_start(timeline(id), 4 * 1024 * 1024, token);
    CHECK(start.status == 200);
    CHECK(header_number(start, "content-length") == 200L * 1024 * 1024);
    CHECK(start.body.size() == 4u * 1024 * 1024);
    CHECK(start.body.rfind("{\"data\":[],", 0) == 0);
    CHECK(resident_mib(server.pid()) < 64);
    // A client with a limit refuses it from the header.
    HttpAnswer limited = probe.get(timeline(id), token, 1024 * 1024);
    CHECK(limited.status == 200);
    CHECK(limited.error == "body limit exceeded");
    CHECK(limited.body.empty());
  }
  SECTION("huge_chunked: 200 MiB chunked, no Content-Length: a limit must count while reading") {
    HttpAnswer answer = probe.get(timeline(id_of("huge_chunked")), token, 2 * 1024 * 1024);
    CHECK(answer.status == 200);
    CHECK(answer.header("transfer-encoding") == "chunked");
    CHECK(answer.header("content-length").empty());
    CHECK(answer.error == "body limit exceeded");
    CHECK(answer.body.size() >= 1024u * 1024);
  }
  SECTION("lookup_flaky: the user lookup answers 503 once") {
    HttpAnswer first = probe.get("/2/users/by/username/lookup_flaky", token);
    CHECK(first.status == 503);
    CHECK(parse_object(first.body).at("title").as_string() == "Service Unavailable");
    CHECK(probe.get("/2/users/by/username/lookup_flaky", token).status == 200);
  }
  SECTION("media_flaky and media_dropper: the same faults on the handle's pictures") {
    for (const std::string handle : {"media_flaky", "media_dropper"}) {
      auto page = parse_object(probe.get(timeline(id_of(handle)), token).body);
      std::string photo = target_of(server, std::string(page.at("includes").at("media").at(0).at("url").as_string()));
      CHECK(photo == "/media/" + handle + "/sunrise-64x36.png");
      HttpAnswer first = probe.get(photo);
      if (handle == "media_flaky") {
        CHECK(first.status == 503);
      } else {
        CHECK_FALSE(first.error.empty());
        CHECK(static_cast<long>(first.body.size()) == header_number(first, "content-length") / 2);
      }
      HttpAnswer second = probe.get(photo);
      CHECK(second.status == 200);
      CHECK(second.body == read_file(test::live_fixtures() / "media" / "sunrise-64x36.png"));
    }
  }
  SECTION("handles without faults are served as stored") {
    HttpAnswer answer = probe.get(timeline(photo_day_id), token);
    CHECK(answer.status == 200);
    CHECK(is_json(answer.body));
  }
}

TEST_CASE("fake-x-api: one slow answer does not hold up other clients; keep-alive reuses a connection") {
  test::TempDir folder("fake-x-api");
  fs::path log = folder.path() / "requests.jsonl";
  FakeXApi server(live_server({"--log", log.string()}));
  std::string slow_id;
  {
    HttpProbe probe(server.url());
    slow_id = std::string(parse_object(probe.get("/2/users/by/username/slowpoke", token).body).at("data").at("id").as_string());
  }
  auto slow = std::async(std::launch::async, [&] {
    HttpProbe probe(server.url());
    return probe.get(timeline(slow_id), token);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto start = std::chrono::steady_clock::now();
  std::vector<std::future<HttpAnswer>> quick;
  for (int client = 0; client < 4; ++client)
    quick.push_back(std::async(std::launch::async, [&] {
      HttpProbe probe(server.url());
      HttpAnswer answer;
      for (int request = 0; request < 3; ++request) answer = probe.get(timeline(daybook_id), token);
      CHECK(probe.connections() == 1);
      return answer;
    }));
  for (auto& answer : quick) CHECK(answer.get().status == 200);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(slow.get().status == 200);

  // Each quick client's 3 requests came on one connection.
  std::map<std::int64_t, int> per_connection;
  for (const auto& line : log_lines(log))
    if (line.at("handle").is_string() && line.at("handle").as_string() == "daybook") ++per_connection[line.at("connection").as_int64()];
  CHECK(per_connection.size() == 4);
  for (const auto& [connection, requests] : per_connection) CHECK(requests == 3);
}

TEST_CASE("fake-x-api: the request log records each request's parameters, handle, status and fault") {
  test::TempDir folder("fake-x-api");
  fs::path log = folder.path() / "requests.jsonl";
  FakeXApi server(live_server({"--log", log.string()}));
  HttpProbe probe(server.url());
  probe.get("/2/users/by/username/flaky?user.fields=profile_image_url,protected", token);
  std::string query =
      "start_time=2026-11-24T00:00:00Z&end_time=2026-11-25T00:00:00Z&max_results=100"
      "&tweet.fields=created_at,entities,attachments&expansions=author_id,attachments.media_keys"
      "&media.fields=url,width,height&user.fields=profile_image_url";
  probe.get(timeline("1590000000000000111", query), token);  // flaky: 500
  probe.get(timeline("1590000000000000111", query + "&pagination_token=page-1"), token);  // 500 again
  probe.get(timeline("1590000000000000111", query), token);                                 // the page

  auto lines = log_lines(log);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].at("endpoint").as_string() == "user");
  CHECK(lines[0].at("query").at("user.fields").as_string() == "profile_image_url,protected");
  const auto& failed = lines[1];
  CHECK(failed.at("method").as_string() == "GET");
  CHECK(failed.at("path").as_string() == "/2/users/1590000000000000111/tweets");
  CHECK(failed.at("endpoint").as_string() == "tweets");
  CHECK(failed.at("handle").as_string() == "flaky");
  CHECK(failed.at("status").as_int64() == 500);
  CHECK(failed.at("fault").as_string() == "status_500");
  CHECK(failed.at("n").as_int64() == 1);
  CHECK(failed.at("auth").as_string() == "ok");
  const auto& parameters = failed.at("query").as_object();
  CHECK(parameters.at("start_time").as_string() == "2026-11-24T00:00:00Z");
  CHECK(parameters.at("end_time").as_string() == "2026-11-25T00:00:00Z");
  CHECK(parameters.at("max_results").as_string() == "100");
  CHECK(parameters.at("expansions").as_string() == "author_id,attachments.media_keys");
  CHECK(parameters.at("media.fields").as_string() == "url,width,height");
  CHECK(parameters.at("tweet.fields").as_string() == "created_at,entities,attachments");
  CHECK(parameters.at("user.fields").as_string() == "profile_image_url");
  CHECK(lines[2].at("query").at("pagination_token").as_string() == "page-1");
  CHECK(lines[2].at("n").as_int64() == 2);
  CHECK(lines[3].at("status").as_int64() == 200);
  CHECK(lines[3].at("fault").is_null());
  CHECK(lines[3].at("n").as_int64() == 3);
  CHECK(lines[3].at("bytes").as_int64() > 1000);
}

TEST_CASE("fake-x-api: HTTPS with a throwaway certificate for 127.0.0.1") {
  test::TempDir folder("fake-x-api");
  auto authority = test::make_test_authority(folder.path());
  auto server_certificate = test::make_server_certificate(authority, folder.path(), "server", "IP:127.0.0.1");
  std::string certificate = server_certificate.certificate.string(), key = server_certificate.private_key.string();

  FakeXApi server(live_server({"--tls-cert", certificate, "--tls-key", key}));
  REQUIRE(server.url().rfind("https://127.0.0.1:", 0) == 0);
  HttpProbe probe(server.url(), authority.certificate);
  HttpAnswer answer = probe.get(timeline(photo_day_id), token);
  REQUIRE(answer.status == 200);
  std::string photo(parse_object(answer.body).at("includes").at("media").at(0).at("url").as_string());
  CHECK(photo.rfind(server.url() + "/media/photo_day/", 0) == 0);
  CHECK(probe.get(target_of(server, photo)).body == read_file(test::live_fixtures() / "media" / "sunrise-64x36.png"));
  CHECK(probe.connections() == 1);

  // A drop over TLS is a cut without close_notify.
  std::string dropper_id(parse_object(probe.get("/2/users/by/username/dropper", token).body).at("data").at("id").as_string());
  CHECK_FALSE(probe.get(timeline(dropper_id), token).error.empty());
  CHECK(probe.get(timeline(dropper_id), token).status == 200);

  // The certificate is really checked: without the CA, the handshake fails.
  HttpProbe untrusting(server.url());
  CHECK_THROWS_WITH(untrusting.get("/2/users/by/username/daybook", token), Catch::Contains("handshake"));
}

TEST_CASE("fake-x-api: command line, usage errors and a clean stop") {
  std::string binary = test::shell_quote(test::fake_x_api_binary());
  auto help = test::run_command(binary + " --help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("--faults FILE") != std::string::npos);
  CHECK(help.output.find("Exit codes") != std::string::npos);

  CHECK(test::run_command(binary + " --data").exit_code == 2);
  CHECK(test::run_command(binary + " --port 0").exit_code == 2);  // no --data
  auto unknown = test::run_command(binary + " --data . --colour red");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("--colour") != std::string::npos);

  test::TempDir folder("fake-x-api");
  fs::path faults = folder.path() / "faults.json";
  std::ofstream(faults) << R"({"someone": {"status_500": 1, "explode": true}})";
  auto bad_faults = test::run_command(binary + " --data " + test::shell_quote(live_data()) + " --faults " +
                                      test::shell_quote(faults.string()));
  CHECK(bad_faults.exit_code == 2);
  CHECK(bad_faults.output.find("'explode'") != std::string::npos);
  CHECK(bad_faults.output.find("someone") != std::string::npos);

  CHECK(test::run_command(binary + " --data /nonexistent/dataset").exit_code == 1);

  FakeXApi server({"--data", live_data()});
  std::string port = server.url().substr(server.url().rfind(':') + 1);
  auto taken = test::run_command(binary + " --data " + test::shell_quote(live_data()) + " --port " + port);
  CHECK(taken.exit_code == 1);
  CHECK(taken.output.find("cannot listen") != std::string::npos);
  CHECK(server.stop() == 0);  // SIGTERM: a clean exit
}

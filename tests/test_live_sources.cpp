// Integration: graphs/daily.graph against the fake X API server (tools/fake-x-api) on
// loopback, one handle per fault, with real encodes; the bearer token never shows; rate-limit
// waits are events; API errors fail only their handle; --api-concurrency caps calls across
// the child processes.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <thread>
#include <map>
#include <set>
#include <sstream>

#include "api_gate.hpp"
#include "support/background_run.hpp"
#include "support/fake_x_api.hpp"
#include "support/fixture_graph.hpp"
#include "support/json_lines.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"
#include "support/test_certificates.hpp"

using namespace pipectl;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const std::string token = "test-token-7f3a9c-never-printed";

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<json::object> json_lines(const fs::path& file) { return test::read_json_lines(file); }

std::string text_field(const json::object& object, const char* key) { return test::string_field(object, key); }

// The fake server over tests/fixtures/live with its faults and the token, logging requests.
test::FakeXApi start_server(const fs::path& log) {
  fs::path live = test::live_fixtures();
  return test::FakeXApi({"--data", live.string(), "--faults", (live / "faults.json").string(), "--token", token,
                         "--log", log.string()});
}

// The command line of pipectl run graphs/daily.graph for `handles` against `api`, small cards
// so the encodes are quick. The day's pictures come from the same server.
std::string daily_command(const std::string& api, const std::string& handles, const fs::path& out,
                          const std::string& options = "") {
  return "X_BEARER_TOKEN=" + token + " " + test::shell_quote(test::pipectl_binary()) + " run " +
         test::shell_quote((test::source_dir() / "graphs/daily.graph").string()) + " --handles " + handles +
         " --date 2026-11-24 --out " + test::shell_quote(out.string()) + " --set fetch.api_base=" + api +
         " --set fetch.backoff=0.05s --set fetch.timeout=2s --set render.size=320x180 --set render.card=1s " + options;
}

test::CommandResult run_daily(const std::string& api, const std::string& handles, const fs::path& out,
                              const std::string& options = "") {
  return test::run_command(daily_command(api, handles, out, options));
}

}  // namespace

TEST_CASE("the daily graph against the fake X API: faults are waited out or retried, API errors fail their handle") {
  test::TempDir folder("pipectl-live");
  fs::path server_log = folder.path() / "server.jsonl", events = folder.path() / "events.jsonl";
  auto server = start_server(server_log);
  fs::path out = folder.path() / "videos";
  auto result = run_daily(server.url(),
                          "daybook,photo_day,busy,flaky,dropper,lookup_flaky,trickler,garbage,nobody_at_all,"
                          "protected_user,suspended_user,huge,huge_chunked,media_flaky,media_dropper",
                          out, "-j 3 --events " + test::shell_quote(events.string()));
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("9 of 15 handles made their video") != std::string::npos);

  // Each good or recovered handle has its video: one card per post of the day, and a title.
  std::map<std::string, int> posts{{"daybook", 7}, {"photo_day", 2}, {"busy", 2}, {"flaky", 2},
                                   {"dropper", 2}, {"lookup_flaky", 2}, {"trickler", 2},
                                   {"media_flaky", 2}, {"media_dropper", 2}};
  std::map<std::string, int> finished_posts;
  for (const auto& event : json_lines(events))
    if (text_field(event, "event") == "finished")
      finished_posts[text_field(event, "handle")] = event.at("posts").to_number<int>();
  for (const auto& [handle, count] : posts) {
    INFO(handle);
    fs::path video = out / handle / "2026-11-24.mp4";
    REQUIRE(fs::exists(video));
    CHECK(finished_posts[handle] == count);
    CHECK(test::probe_video(video).frames == (finished_posts[handle] + 2) * 30);  // title and end cards
    CHECK(test::decode_errors(video).empty());
  }
  CHECK(finished_posts["daybook"] == 7);  // all three pages

  // The failures say why, naming the handle.
  for (const std::string& expected : std::vector<std::string>{"error: garbage: stage 'fetch': gave up after 5 attempts: ", "invalid JSON",
        "error: nobody_at_all: stage 'fetch': the X API reported for @nobody_at_all: Not Found Error",
        "error: protected_user: stage 'fetch': @protected_user's posts are protected",
        "error: suspended_user: stage 'fetch': the X API reported for @suspended_user: Forbidden: User has been suspended",
        "error: huge: stage 'fetch': GET " + server.url() + "/2/users/"})
    CHECK(result.output.find(expected) != std::string::npos);
  CHECK(result.output.find("the body is larger than the limit") != std::string::npos);
  CHECK(result.output.find("error: huge_chunked: stage 'fetch': GET ") != std::string::npos);
  // A picture whose first download failed (a 503, a connection dropped mid-body) is tried
  // again: the cards show it, with no placeholder.
  for (const char* handle : {"media_flaky", "media_dropper"})
    CHECK(result.output.find(std::string("warning: ") + handle + ": media: post ") == std::string::npos);
  std::map<std::string, int> picture_requests;
  for (const auto& request : json_lines(server_log))
    if (text_field(request, "endpoint") == "media" && request.at("path").as_string().ends_with(".png"))
      ++picture_requests[text_field(request, "handle")];
  CHECK(result.output.find("warning: flaky: fetch: attempt 1 failed, retrying in ") != std::string::npos);
  CHECK(result.output.find("warning: dropper: fetch: attempt 1 failed") != std::string::npos);

  // The 429 became a "waiting" event for busy, as long as the reset the server announced.
  size_t waits = 0;
  for (const auto& event : json_lines(events)) {
    if (text_field(event, "event") != "waiting") continue;
    ++waits;
    CHECK(text_field(event, "handle") == "busy");
    CHECK(text_field(event, "node") == "fetch");
    CHECK(text_field(event, "reason").find("rate limit: HTTP 429") != std::string::npos);
    CHECK(event.at("seconds").to_number<double>() >= 1.0);
    CHECK(event.at("seconds").to_number<double>() <= 5.0);
  }
  CHECK(waits == 1);

  // What the client asked for: the day window, 100 a page, the fields the cards need, the
  // pages in order; and never a request without the token.
  std::set<std::string> daybook_tokens;
  for (const auto& request : json_lines(server_log)) {
    INFO(json::serialize(request));
    if (text_field(request, "endpoint") == "media") continue;  // pictures need no token
    CHECK(text_field(request, "auth") == "ok");
    if (text_field(request, "endpoint") != "tweets") continue;
    const auto& query = request.at("query").as_object();
    CHECK(text_field(query, "start_time") == "2026-11-24T00:00:00Z");
    CHECK(text_field(query, "end_time") == "2026-11-25T00:00:00Z");
    CHECK(text_field(query, "max_results") == "100");
    // The originals of reposts come whole, with their authors and their media.
    CHECK(text_field(query, "expansions") ==
          "attachments.media_keys,author_id,referenced_tweets.id,referenced_tweets.id.author_id,"
          "referenced_tweets.id.attachments.media_keys");
    CHECK(text_field(query, "tweet.fields").find("note_tweet") != std::string::npos);
    CHECK(text_field(query, "media.fields") == "url,preview_image_url,type,width,height,alt_text");
    if (text_field(request, "handle") == "daybook") daybook_tokens.insert(text_field(query, "pagination_token"));
  }
  CHECK(daybook_tokens.size() == 3);  // "" and the two next_tokens
  CHECK(picture_requests["media_flaky"] >= 2);
  CHECK(picture_requests["media_dropper"] >= 2);

  // The token is in no output, event or file.
  CHECK(result.output.find(token) == std::string::npos);
  CHECK(read_text(events).find(token) == std::string::npos);
  CHECK(read_text(server_log).find(token) == std::string::npos);
  for (const auto& entry : fs::recursive_directory_iterator(out))
    if (entry.is_regular_file() && entry.path().extension() != ".mp4") {
      INFO(entry.path());
      CHECK(read_text(entry.path()).find(token) == std::string::npos);
    }
}

TEST_CASE("a missing or wrong token, and a time zone's day window") {
  test::TempDir folder("pipectl-live-token");
  auto server = start_server(folder.path() / "server.jsonl");
  auto without = test::run_command("env -u X_BEARER_TOKEN " + test::shell_quote(test::pipectl_binary()) + " run " +
                                   test::shell_quote((test::source_dir() / "graphs/daily.graph").string()) +
                                   " --handles daybook --date 2026-11-24 --out " +
                                   test::shell_quote((folder.path() / "a").string()) +
                                   " --set fetch.api_base=" + server.url());
  INFO(without.output);
  CHECK(without.exit_code == 1);
  CHECK(without.output.find("source=x-api needs a bearer token: set X_BEARER_TOKEN") != std::string::npos);

  auto wrong = test::run_command("X_BEARER_TOKEN=not-the-token " + test::shell_quote(test::pipectl_binary()) +
                                 " run " + test::shell_quote((test::source_dir() / "graphs/daily.graph").string()) +
                                 " --handles daybook --date 2026-11-24 --out " +
                                 test::shell_quote((folder.path() / "b").string()) + " --set fetch.api_base=" +
                                 server.url());
  INFO(wrong.output);
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.output.find("the X API refused the bearer token (HTTP 401") != std::string::npos);
  CHECK(wrong.output.find("not-the-token") == std::string::npos);

  // A handle of another network is refused before any call.
  auto bluesky = run_daily(server.url(), "alice.bsky.social", folder.path() / "d");
  INFO(bluesky.output);
  CHECK(bluesky.exit_code == 1);
  CHECK(bluesky.output.find("'alice.bsky.social' is not an X username") != std::string::npos);
  for (const auto& request : json_lines(folder.path() / "server.jsonl"))
    CHECK(text_field(request, "handle") != "alice.bsky.social");

  auto new_york = run_daily(server.url(), "photo_day", folder.path() / "c", "--tz America/New_York");
  INFO(new_york.output);
  bool asked = false;
  for (const auto& request : json_lines(folder.path() / "server.jsonl")) {
    if (text_field(request, "endpoint") != "tweets" || text_field(request, "handle") != "photo_day") continue;
    const auto& query = request.at("query").as_object();
    CHECK(text_field(query, "start_time") == "2026-11-24T05:00:00Z");  // midnight in New York (EST)
    CHECK(text_field(query, "end_time") == "2026-11-25T05:00:00Z");
    asked = true;
  }
  CHECK(asked);
}

TEST_CASE("the API gate: at most N calls at once across processes; a killed process frees its slot") {
  test::TempDir folder("pipectl-api-gate");
  fetch::configure_api_gate(2, folder.path() / "slots");
  CHECK(fetch::api_gate_slots() == 2);
  fs::path journal = folder.path() / "journal";
  // Five processes each hold a slot for 150 ms, writing when they enter and leave.
  auto note = [&](const std::string& line) {
    int fd = ::open(journal.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    std::string text = line + "\n";
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
  };
  std::vector<pid_t> children;
  for (int i = 0; i < 5; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      {
        fetch::ApiSlot slot;
        note("+");
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        note("-");
      }
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
  }
  int inside = 0, most = 0, entered = 0;
  std::istringstream lines(read_text(journal));
  std::string line;
  while (std::getline(lines, line)) {
    inside += line == "+" ? 1 : -1;
    entered += line == "+";
    most = std::max(most, inside);
  }
  CHECK(entered == 5);
  CHECK(most == 2);

  // A process killed while it holds a slot does not keep it.
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t holder = fork();
  if (holder == 0) {
    fetch::ApiSlot first, second;  // both slots
    char byte = 1;
    (void)!::write(ready[1], &byte, 1);
    std::this_thread::sleep_for(std::chrono::seconds(60));
    _exit(0);
  }
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  kill(holder, SIGKILL);
  waitpid(holder, nullptr, 0);
  auto start = std::chrono::steady_clock::now();
  { fetch::ApiSlot slot; }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_CASE("offline sources: an X archive and a twarc2 file make videos through the same graph") {
  test::TempDir folder("pipectl-offline");
  fs::path fixtures = test::source_dir() / "tests" / "fixtures";
  struct Case {
    std::string handle, fetch;
    int posts;
  };
  for (const Case& source : {Case{"harbor_notes", "source=archive archive=\"" + (fixtures / "archive/harbor_notes").string() + "\"", 8},
                             Case{"lumen_atlas", "source=twarc2 file=\"" + (fixtures / "twarc2").string() + "/{handle}.jsonl\"", 4}}) {
    INFO(source.handle);
    fs::path graph = folder.path() / (source.handle + ".graph");
    std::ofstream(graph) << "node fetch : fetch " << source.fetch << "\n"
                         << "node media : download-media\nnode render : render size=320x180 card=1s\n"
                         << "node encode : encode path=\"{out}/{handle}/{date}.mp4\"\n"
                         << "fetch -> media -> render -> encode\n";
    fs::path events = folder.path() / (source.handle + ".jsonl");
    auto result = test::run_command(test::shell_quote(test::pipectl_binary()) + " run " +
                                    test::shell_quote(graph.string()) + " --handles " + source.handle +
                                    " --date 2026-11-24 --out " + test::shell_quote((folder.path() / "out").string()) +
                                    " --events " + test::shell_quote(events.string()));
    INFO(result.output);
    CHECK(result.exit_code == 0);
    fs::path video = folder.path() / "out" / source.handle / "2026-11-24.mp4";
    CHECK(test::probe_video(video).frames == (source.posts + 2) * 30);  // title and end cards
    for (const auto& event : json_lines(events))
      if (text_field(event, "event") == "finished") CHECK(event.at("posts").to_number<int>() == source.posts);
  }
  // An archive of another account is refused, naming it.
  auto other = test::run_command(test::shell_quote(test::pipectl_binary()) + " run " +
                                 test::shell_quote((folder.path() / "harbor_notes.graph").string()) +
                                 " --handles somebody_else --date 2026-11-24 --out " +
                                 test::shell_quote((folder.path() / "out").string()));
  INFO(other.output);
  CHECK(other.exit_code == 1);
  CHECK(other.output.find("somebody_else: stage 'fetch': ") != std::string::npos);
  CHECK(other.output.find("harbor_notes") != std::string::npos);
}

TEST_CASE("when a window has no calls left, the client waits for its reset before the next page") {
  test::TempDir folder("pipectl-live-window");
  fs::path events = folder.path() / "events.jsonl";
  // Two calls per endpoint every 3 s: daybook's three pages need a wait before the third.
  test::FakeXApi server({"--data", test::live_fixtures().string(), "--token", token, "--rate-limit", "2",
                         "--rate-window", "3"});
  auto result = run_daily(server.url(), "daybook", folder.path() / "out",
                          "--events " + test::shell_quote(events.string()));
  INFO(result.output);
  CHECK(result.exit_code == 0);
  size_t waits = 0;
  for (const auto& event : json_lines(events)) {
    if (text_field(event, "event") != "waiting") continue;
    ++waits;
    CHECK(text_field(event, "reason").find("rate limit: no calls left in this window") != std::string::npos);
    CHECK(event.at("seconds").to_number<double>() <= 5.0);
  }
  CHECK(waits == 1);
  CHECK(result.output.find("HTTP 429") == std::string::npos);  // it never ran into the limit
}

TEST_CASE("over HTTPS: the chain and the host name are verified, for the API and the pictures") {
  test::TempDir folder("pipectl-live-tls");
  auto authority = test::make_test_authority(folder.path());
  auto certificate = test::make_server_certificate(authority, folder.path(), "server", "IP:127.0.0.1,DNS:localhost");
  test::FakeXApi server({"--data", test::live_fixtures().string(), "--token", token, "--tls-cert",
                         certificate.certificate.string(), "--tls-key", certificate.private_key.string()});
  REQUIRE(server.url().starts_with("https://127.0.0.1:"));
  std::string trust = " --set fetch.ca_file=" + test::shell_quote(authority.certificate.string()) +
                      " --set media.ca_file=" + test::shell_quote(authority.certificate.string());
  auto trusted = run_daily(server.url(), "photo_day", folder.path() / "trusted", trust);
  INFO(trusted.output);
  CHECK(trusted.exit_code == 0);
  CHECK(trusted.output.find("warning:") == std::string::npos);  // the photo and the avatar came too
  CHECK(test::probe_video(folder.path() / "trusted/photo_day/2026-11-24.mp4").frames == 4 * 30);

  // The system's trust store does not know the test CA: the handle fails, saying why.
  auto untrusted = run_daily(server.url(), "photo_day", folder.path() / "untrusted");
  INFO(untrusted.output);
  CHECK(untrusted.exit_code == 1);
  CHECK(untrusted.output.find("photo_day: stage 'fetch': GET " + server.url() + "/2/users/by/username/photo_day") !=
        std::string::npos);

  // A certificate for another name is refused even when its CA is trusted.
  auto elsewhere = test::make_server_certificate(authority, folder.path(), "elsewhere", "DNS:example.test");
  test::FakeXApi impostor({"--data", test::live_fixtures().string(), "--token", token, "--tls-cert",
                           elsewhere.certificate.string(), "--tls-key", elsewhere.private_key.string()});
  auto mismatch = run_daily(impostor.url(), "photo_day", folder.path() / "mismatch", trust);
  INFO(mismatch.output);
  CHECK(mismatch.exit_code == 1);
  CHECK(mismatch.output.find("photo_day: stage 'fetch': GET ") != std::string::npos);
}

TEST_CASE("Ctrl-C while the X API has not answered yet stops the run within a second") {
  test::TempDir folder("pipectl-live-interrupt");
  auto server = start_server(folder.path() / "requests.jsonl");
  // slowpoke's server waits 3 s before it answers; the client would wait up to its 30 s time-out.
  test::BackgroundRun run("env " + daily_command(server.url(), "slowpoke", folder.path() / "videos",
                                                      "--no-fork --set fetch.timeout=30s"),
                          folder.path() / "output.txt");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // the first call is under way
  REQUIRE(kill(run.pid(), SIGINT) == 0);
  const auto start = std::chrono::steady_clock::now();
  const int exit_code = run.wait();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "Ctrl-C during a slow X API answer: the run ended %.3f s after SIGINT\n", seconds);
  INFO(run.output());
  CHECK(exit_code == 130);
  CHECK(seconds < 1.5);  // the aim is 1 s; the margin is for a loaded machine (unchecked: 2.6 s)
}

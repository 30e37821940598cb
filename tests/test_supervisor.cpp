// pipectl run as a supervisor: one child process per handle, at most -j at a time, events as
// JSON lines (--events), a crashing child failing its own handle only, --no-fork in process.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <map>
#include <set>

#include "support/file_limits.hpp"
#include "support/background_run.hpp"
#include "support/fixture_graph.hpp"
#include "support/loopback_server.hpp"
#include "support/media_probe.hpp"
#include "support/json_lines.hpp"
#include "support/paths.hpp"
#include "support/skip.hpp"

using namespace pipectl;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

using test::BackgroundRun;

// Posts of the day in the fixture handles (copies too): broken_posts keeps 4 (2 of its 7 lose
// only a bad part, 3 are skipped), bad_next_page has 2.
int posts_of(const std::string& handle) { return handle.rfind("broken", 0) == 0 ? 4 : 2; }
// Frames of its video at 1 s a card and 30 fps: the title, the posts, the end.
long frames_of(const std::string& handle) { return (posts_of(handle) + 2) * 30L; }

using test::pipectl_binary;

// A stored dataset in `folder`: the fixtures bad_next_page and broken_posts, and copies of
// them under other names, so that many distinct handles have data. Returns the handles:
// bad_next_page, bad_ne_2 ... bad_ne_<copies>, broken_posts, broken_2 ... broken_<copies>.
std::vector<std::string> write_dataset(const fs::path& folder, int copies = 3) {
  fs::path stored = test::stored_fixtures();
  fs::create_directories(folder);
  fs::copy(stored / "media", folder / "media", fs::copy_options::recursive);
  std::vector<std::string> handles;
  for (const char* fixture : {"bad_next_page", "broken_posts"}) {
    for (int copy = 1; copy <= copies; ++copy) {
      std::string name = copy == 1 ? fixture : std::string(fixture).substr(0, 6) + "_" + std::to_string(copy);
      fs::copy(stored / fixture, folder / name, fs::copy_options::recursive);
      handles.push_back(name);
    }
  }
  return handles;
}

// The fixture graph; `between` is a node named `mark` put between render and encode, such as
// "node mark : test-slow delay=1s" (the test stages come from a plugin: with_test_stages).
fs::path write_graph(const fs::path& folder, const fs::path& dataset, const std::string& between = "") {
  return test::write_fixture_graph(folder / "fixtures.graph", dataset, between);
}

// The --plugin option that loads test-slow and test-crash (tests/fixtures/plugins/test_stages.cpp).
std::string with_test_stages() {
  const char* plugin = std::getenv("PIPECTL_TEST_STAGES_PLUGIN");
  REQUIRE(plugin);
  return " --plugin " + test::shell_quote(plugin) + " ";
}

std::string join(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ",") + part;
  return text;
}

test::CommandResult run(const std::string& environment, const fs::path& graph, const std::vector<std::string>& handles,
                        const fs::path& out, const std::string& options) {
  return test::run_command(environment + test::shell_quote(pipectl_binary()) + " run " +
                           test::shell_quote(graph.string()) + " --handles " + join(handles) +
                           " --date 2026-11-24 --out " + test::shell_quote(out.string()) + " " + options);
}

// Every line of an --events file; each must be a JSON object with event, time, handle.
std::vector<json::object> read_events(const fs::path& file) {
  std::vector<json::object> events = test::read_json_lines(file);
  for (const auto& event : events) {
    INFO(json::serialize(event));
    REQUIRE(event.contains("event"));
    REQUIRE(event.at("event").is_string());
    REQUIRE(event.contains("time"));
    CHECK(event.at("time").is_string());
    REQUIRE(event.contains("handle"));
    REQUIRE(event.at("handle").is_string());
  }
  return events;
}

std::string field(const json::object& event, const char* key) { return test::string_field(event, key); }

// The summary table's row that starts with `first`, its runs of spaces made one.
std::string summary_row(const std::string& output, const std::string& first) {
  auto table = output.find("\nSummary (");
  if (table == std::string::npos) return {};
  std::istringstream lines(output.substr(table));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string word, row;
    while (words >> word) row += (row.empty() ? "" : " ") + word;
    if (row.starts_with(first + " ")) return row;
  }
  return {};
}

}  // namespace

TEST_CASE("-j 3 runs twelve handles, never more than three at once; the events are JSON lines") {
  test::TempDir folder("pipectl-supervisor");
  auto handles = write_dataset(folder.path() / "stored", 6);
  REQUIRE(handles.size() == 12);
  fs::path graph = write_graph(folder.path(), folder.path() / "stored");
  fs::path events_file = folder.path() / "events.jsonl";
  auto result = run("", graph, handles, folder.path() / "videos",
                    "-j 3 --events " + test::shell_quote(events_file.string()));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(result.output.find("12 of 12 handles made their video") != std::string::npos);
  CHECK(result.output.find("\x1b[") == std::string::npos);  // not a terminal: plain lines only
  CHECK(result.output.find("warning: broken_2: fetch: ") != std::string::npos);  // warnings name the handle
  CHECK(result.output.find("post 1002: missing field 'created_at'") != std::string::npos);

  auto events = read_events(events_file);
  int running = 0, most = 0;
  std::set<std::string> finished;
  std::set<std::int64_t> pids;
  std::map<std::string, int> warnings;
  std::map<std::string, std::map<std::string, json::object>> last_progress;  // handle -> node -> event
  for (const auto& event : events) {
    std::string name = field(event, "event"), handle = field(event, "handle");
    INFO(json::serialize(event));
    if (name == "progress") {
      CHECK(finished.count(handle) == 0);  // progress comes before the outcome
      for (const char* key : {"position", "received", "emitted"}) CHECK(event.at(key).is_number());
      CHECK(event.at("done").is_bool());
      last_progress[handle][field(event, "node")] = event;
      continue;
    }
    if (name == "started") {
      ++running;
      REQUIRE(event.contains("pid"));
      pids.insert(event.at("pid").to_number<std::int64_t>());
    } else if (name == "finished" || name == "failed") {
      --running;
      CHECK(name == "finished");
      finished.insert(handle);
      REQUIRE(event.contains("outputs"));
      REQUIRE(event.at("outputs").is_array());
      // Every file the graph's nodes declare they write: encode's video and its subtitles.
      REQUIRE(event.at("outputs").get_array().size() == 2);
      CHECK(event.at("outputs").get_array()[0].get_string() ==
            (folder.path() / "videos" / handle / "2026-11-24.mp4").string());
      CHECK(event.at("outputs").get_array()[1].get_string() ==
            (folder.path() / "videos" / handle / "2026-11-24.vtt").string());
      CHECK(event.at("seconds").is_number());
      const int posts = posts_of(handle);
      CHECK(event.at("posts").to_number<int>() == posts);
      CHECK(event.at("cards").to_number<int>() == posts + 2);
      CHECK(event.at("video_seconds").to_number<double>() == Approx(posts + 2).margin(0.05));
      CHECK(event.at("warnings").is_object());
    } else {
      CHECK(name == "warning");
      CHECK_FALSE(field(event, "message").empty());
      ++warnings[handle];
    }
    CHECK(running >= 0);
    most = std::max(most, running);
  }
  CHECK(most <= 3);
  CHECK(most >= 2);
  CHECK(running == 0);
  CHECK(pids.size() == 12);  // one process per handle
  // Every node's last report says it is done, with the counts that went through it.
  for (const auto& handle : handles) {
    INFO(handle);
    auto& nodes = last_progress[handle];
    REQUIRE(nodes.size() == 4);
    for (const auto& [node, event] : nodes) CHECK(event.at("done").as_bool());
    const int posts = posts_of(handle);
    CHECK(nodes["fetch"].at("emitted").to_number<int>() == posts);
    CHECK(nodes["fetch"].at("expected").to_number<int>() == posts);  // announced before the first post
    CHECK(nodes["fetch"].at("position").to_number<int>() == 0);
    CHECK(nodes["encode"].at("received").to_number<int>() == posts + 2);  // title, the posts, end
    CHECK(nodes["encode"].at("position").to_number<int>() == 3);
  }
  // The summary table: handle, posts, video length, wall time, result.
  CHECK(summary_row(result.output, "handle") == "handle posts video wall result");
  CHECK(summary_row(result.output, "broken_6").starts_with("broken_6 4 0:06 "));
  CHECK(summary_row(result.output, "broken_6").find(" s ok " + (folder.path() / "videos/broken_6/2026-11-24.mp4").string()) !=
        std::string::npos);
  CHECK(finished == std::set<std::string>(handles.begin(), handles.end()));
  CHECK(warnings["broken_3"] == warnings["broken_posts"]);
  CHECK(warnings["broken_posts"] >= 5);
  // Three children share the cores: x264 in each uses its share less one (drawing keeps a core
  // busy beside it), at least one (x264 writes its settings into the stream, "... threads=N
  // lookahead_threads=...").
  const int share = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 3);
  const int x264_threads = std::max(1, share - 1);
  for (const auto& handle : handles) {
    INFO(handle);
    fs::path video = folder.path() / "videos" / handle / "2026-11-24.mp4";
    CHECK(test::probe_video(video).frames == frames_of(handle));
    std::ifstream in(video, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    CHECK(bytes.find(" threads=" + std::to_string(x264_threads) + " ") != std::string::npos);
  }
}

TEST_CASE("a child that crashes fails its own handle, naming the signal; the others make their videos") {
  test::TempDir folder("pipectl-supervisor-crash");
  auto handles = write_dataset(folder.path() / "stored");
  fs::path graph = write_graph(folder.path(), folder.path() / "stored", "node mark : test-crash handle=bad_ne_2");
  fs::path events_file = folder.path() / "events.jsonl";
  auto result = run("", graph, handles, folder.path() / "videos",
                    "-j 2 --events " + test::shell_quote(events_file.string()) + with_test_stages());
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("bad_ne_2: the process was killed by SIGABRT (Aborted)") != std::string::npos);
  CHECK(result.output.find("FAILED: the process was killed by SIGABRT") != std::string::npos);
  CHECK(result.output.find("5 of 6 handles made their video") != std::string::npos);
  CHECK_FALSE(fs::exists(folder.path() / "videos/bad_ne_2/2026-11-24.mp4"));
  for (const auto& handle : handles) {
    if (handle == "bad_ne_2") continue;
    INFO(handle);
    CHECK(test::probe_video(folder.path() / "videos" / handle / "2026-11-24.mp4").frames == frames_of(handle));
  }
  size_t failed = 0;
  for (const auto& event : read_events(events_file)) {
    if (field(event, "event") != "failed") continue;
    ++failed;
    CHECK(field(event, "handle") == "bad_ne_2");
    CHECK(field(event, "signal") == "SIGABRT");
    CHECK(field(event, "error").find("Aborted") != std::string::npos);
  }
  CHECK(failed == 1);
}

TEST_CASE("--no-fork makes the same videos in one process, with the same events and summary") {
  test::TempDir folder("pipectl-supervisor-nofork");
  auto all = write_dataset(folder.path() / "stored");
  std::vector<std::string> handles{"broken_posts", "nobody_here", "bad_next_page", "broken_2"};
  fs::path graph = write_graph(folder.path(), folder.path() / "stored");
  std::map<std::string, std::string> outputs;
  std::map<std::string, std::vector<std::string>> kinds;
  for (const char* mode : {"forked", "in-process"}) {
    bool fork = std::string(mode) == "forked";
    fs::path events_file = folder.path() / (std::string(mode) + ".jsonl");
    auto result = run("", graph, handles,
                      folder.path() / mode, (fork ? "-j 3" : "--no-fork") +
                                                std::string(" --events ") + test::shell_quote(events_file.string()));
    INFO(mode << "\n" << result.output);
    CHECK(result.exit_code == 1);
    CHECK(result.output.find("nobody_here: stage 'fetch': unknown handle 'nobody_here'") != std::string::npos);
    CHECK(result.output.find("3 of 4 handles made their video") != std::string::npos);
    std::set<std::int64_t> pids;
    std::set<std::string> with_progress;
    for (const auto& event : read_events(events_file)) {
      // How many progress events a node sends depends on timing (at most 4 a second): compare
      // the other events one for one, and progress only by its presence.
      if (field(event, "event") == "progress")
        with_progress.insert(field(event, "handle"));
      else
        kinds[mode].push_back(field(event, "handle") + " " + field(event, "event"));
      if (event.contains("pid")) pids.insert(event.at("pid").to_number<std::int64_t>());
    }
    CHECK(with_progress == std::set<std::string>(handles.begin(), handles.end()));
    CHECK(pids.size() == (fork ? 4u : 1u));
  }
  // Events from different children interleave: compare them as sorted lists.
  std::sort(kinds["forked"].begin(), kinds["forked"].end());
  std::sort(kinds["in-process"].begin(), kinds["in-process"].end());
  CHECK(kinds["forked"] == kinds["in-process"]);
  for (const auto& handle : {"broken_posts", "bad_next_page", "broken_2"}) {
    INFO(handle);
    auto forked = test::probe_video(folder.path() / "forked" / handle / "2026-11-24.mp4");
    auto in_process = test::probe_video(folder.path() / "in-process" / handle / "2026-11-24.mp4");
    CHECK(forked.frames == frames_of(handle));
    CHECK(in_process.frames == forked.frames);
    CHECK(in_process.width == forked.width);
    CHECK(in_process.height == forked.height);
    CHECK(in_process.duration == Approx(forked.duration));
    // Same cards, same pixels: the middle of the second card decodes to the same luma.
    CHECK(test::decode_luma_at(folder.path() / "forked" / handle / "2026-11-24.mp4", 1.5, 320, 180) ==
          test::decode_luma_at(folder.path() / "in-process" / handle / "2026-11-24.mp4", 1.5, 320, 180));
  }
  CHECK_FALSE(fs::exists(folder.path() / "forked/nobody_here"));
}

TEST_CASE("run --help documents the supervisor's options; bad values are usage errors") {
  auto help = test::run_command(test::shell_quote(pipectl_binary()) + " run --help");
  CHECK(help.exit_code == 0);
  for (const char* text : {"-j N, --jobs N", "--events FILE", "--no-fork", "--timeout D", "--retry N", "--force",
                           "--status-port P", "--status-bind A", "--plain"})
    CHECK(help.output.find(text) != std::string::npos);
  std::string demo = test::shell_quote((test::source_dir() / "graphs/demo.graph").string());
  for (const char* options : {"-j 0", "-j", "--jobs=x", "-j2000", "--events", "--events=", "--timeout 0s",
                              "--timeout soon", "--timeout", "--retry -1", "--retry=101", "--status-port 70000",
                              "--status-port=x", "--status-bind="}) {
    auto result = test::run_command(test::shell_quote(pipectl_binary()) + " run " + demo + " --handles a " + options);
    INFO(options << "\n" << result.output);
    CHECK(result.exit_code == 2);
  }
  test::TempDir folder("pipectl-supervisor-usage");
  auto unwritable = test::run_command(test::shell_quote(pipectl_binary()) + " run " + demo + " --handles a --out " +
                                      test::shell_quote(folder.path().string()) + " --events " +
                                      test::shell_quote((folder.path() / "no/such/folder/e.jsonl").string()));
  CHECK(unwritable.exit_code == 2);
  CHECK(unwritable.output.find("cannot write the events file") != std::string::npos);
}

namespace {

// pipectl run started in the background (through /bin/sh, exec'd so the pid is pipectl's),
// its output going to a file, so a test can watch its events and signal it.
// The events written so far (the last line may be incomplete: it is left out).
std::vector<json::object> events_so_far(const fs::path& file) { return test::read_json_lines(file, true); }

// Waits (up to a minute) for an event that `wanted` accepts, and returns it.
template <class Wanted>
json::object wait_for_event(const fs::path& file, Wanted wanted) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& event : events_so_far(file))
      if (wanted(event)) return event;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("the awaited event never came; events so far in " << file);
  return {};
}

// True for a progress event of `handle`'s encode node with at least one frame in.
auto encoding(const std::string& handle) {
  return [handle](const json::object& event) {
    return field(event, "event") == "progress" && field(event, "handle") == handle &&
           field(event, "node") == "encode" && event.at("received").to_number<int>() >= 1;
  };
}

std::vector<fs::path> files_under(const fs::path& folder) {
  std::vector<fs::path> files;
  if (fs::exists(folder))
    for (const auto& entry : fs::recursive_directory_iterator(folder))
      if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string run_command_line(const fs::path& graph, const std::vector<std::string>& handles, const fs::path& out,
                             const std::string& options) {
  return test::shell_quote(pipectl_binary()) + " run " + test::shell_quote(graph.string()) + " --handles " +
         join(handles) + " --date 2026-11-24 --out " + test::shell_quote(out.string()) + " " + options;
}

}  // namespace

// The temporary files encode leaves next to `video` (<video>.part-<pid>-<n>.mp4).
std::vector<fs::path> temporary_files(const fs::path& video) {
  std::vector<fs::path> found;
  for (const auto& file : files_under(video.parent_path()))
    if (file.filename().string().starts_with(video.filename().string() + ".part-")) found.push_back(file);
  return found;
}

// Encode's first progress report can come out before the stage has opened its temporary file
// (the count goes up as the frame is handed over): "in the middle of encoding" is when the
// file exists. Waits up to 30 s for it.
void wait_for_temporary_file(const fs::path& video) {
  for (int i = 0; i < 1500 && temporary_files(video).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

TEST_CASE("kill -9 of a child in the middle of encoding leaves no video under the final name; a rerun completes it") {
  test::TempDir folder("pipectl-supervisor-kill");
  auto handles = write_dataset(folder.path() / "stored", 1);  // bad_next_page, broken_posts
  // A second per frame before encode: the child is in the middle of its video for seconds.
  fs::path graph = write_graph(folder.path(), folder.path() / "stored", "node mark : test-slow delay=1s");
  fs::path out = folder.path() / "videos", events_file = folder.path() / "events.jsonl";
  fs::path victim = out / "broken_posts/2026-11-24.mp4";
  std::string options = "-j 2 --events " + test::shell_quote(events_file.string()) + with_test_stages();
  auto child_of = [&](const std::string& handle) {
    json::object started = wait_for_event(events_file, [&](const json::object& event) {
      return field(event, "event") == "started" && field(event, "handle") == handle;
    });
    return static_cast<pid_t>(started.at("pid").to_number<std::int64_t>());
  };

  SECTION("the supervisor reports the signal and removes the child's unfinished video") {
    BackgroundRun run(run_command_line(graph, handles, out, options), folder.path() / "output.txt");
    pid_t child = child_of("broken_posts");
    wait_for_event(events_file, encoding("broken_posts"));
    wait_for_temporary_file(victim);
    REQUIRE(kill(child, SIGKILL) == 0);
    int exit_code = run.wait();
    INFO(run.output());
    CHECK(exit_code == 1);
    CHECK(run.output().find("broken_posts: the process was killed by SIGKILL (Killed)") != std::string::npos);
    CHECK(run.output().find("broken_posts: removed " + victim.string() + ".part-" + std::to_string(child)) !=
          std::string::npos);
    CHECK(files_under(out / "broken_posts").empty());
    CHECK(test::probe_video(out / "bad_next_page/2026-11-24.mp4").frames == 4 * 30);
  }

  SECTION("when the supervisor is killed too, the rerun removes what is left") {
    BackgroundRun run(run_command_line(graph, handles, out, options), folder.path() / "output.txt");
    pid_t child = child_of("broken_posts");
    wait_for_event(events_file, encoding("broken_posts"));
    wait_for_temporary_file(victim);
    // A power cut, as far as pipectl can tell: every process at once. The supervisor goes
    // first: killed after a child, it could reap that child and clean up before its own kill
    // arrived (seen on a busy machine).
    pid_t other = child_of("bad_next_page");
    REQUIRE(kill(run.pid(), SIGKILL) == 0);
    kill(other, SIGKILL);
    REQUIRE(kill(child, SIGKILL) == 0);
    run.wait();
    CHECK_FALSE(fs::exists(victim));
    REQUIRE(temporary_files(victim).size() == 1);
  }

  // The rerun removes any leftover, skips complete videos and makes the missing ones.
  bool bad_next_page_done = fs::exists(out / "bad_next_page/2026-11-24.mp4");
  auto leftovers = temporary_files(victim);
  fs::path rerun_events = folder.path() / "rerun.jsonl";
  auto rerun = test::run_command(run_command_line(graph, handles, out, "-j 2 --set mark.delay=0s --events " +
                                                                           test::shell_quote(rerun_events.string()) +
                                                                           with_test_stages()));
  INFO(rerun.output);
  CHECK(rerun.exit_code == 0);
  for (const auto& file : leftovers)
    CHECK(rerun.output.find("broken_posts: removed " + file.string()) != std::string::npos);
  fs::path subtitles = victim;
  subtitles.replace_extension(".vtt");
  CHECK(files_under(out / "broken_posts") == std::vector<fs::path>{victim, subtitles});
  CHECK(test::probe_video(victim).frames == frames_of("broken_posts"));
  CHECK(test::decode_errors(victim).empty());
  CHECK(test::probe_video(out / "bad_next_page/2026-11-24.mp4").frames == 4 * 30);
  std::set<std::string> kinds;
  for (const auto& event : read_events(rerun_events)) kinds.insert(field(event, "handle") + " " + field(event, "event"));
  CHECK(kinds.count("broken_posts finished") == 1);
  if (bad_next_page_done) {
    CHECK(rerun.output.find("bad_next_page: skipped, its video is complete") != std::string::npos);
    CHECK(rerun.output.find("2 of 2 handles made their video (1 already complete, skipped)") != std::string::npos);
    CHECK(kinds.count("bad_next_page skipped") == 1);
    CHECK(kinds.count("bad_next_page started") == 0);

    // --force remakes the complete ones.
    auto forced = test::run_command(run_command_line(graph, {"bad_next_page"}, out,
                                                     "--force --set mark.delay=0s" + with_test_stages()));
    INFO(forced.output);
    CHECK(forced.exit_code == 0);
    CHECK(forced.output.find("skipped, its video is complete") == std::string::npos);
    CHECK(forced.output.find("1 of 1 handles made their video") != std::string::npos);
  }
}

TEST_CASE("Ctrl-C stops every child, removes their temporary files, and exits 130") {
  test::TempDir folder("pipectl-supervisor-interrupt");
  auto handles = write_dataset(folder.path() / "stored");
  fs::path graph = write_graph(folder.path(), folder.path() / "stored", "node mark : test-slow delay=1s");
  fs::path out = folder.path() / "videos", events_file = folder.path() / "events.jsonl";
  BackgroundRun run(run_command_line(graph, handles, out, "-j 3 --events " + test::shell_quote(events_file.string()) +
                                                               with_test_stages()),
                    folder.path() / "output.txt");
  wait_for_event(events_file, encoding("bad_next_page"));
  // What a terminal's Ctrl-C does: SIGINT to the whole foreground process group would reach the
  // children too; here only the supervisor gets it and must pass it on.
  REQUIRE(kill(run.pid(), SIGINT) == 0);
  auto start = std::chrono::steady_clock::now();
  int exit_code = run.wait();
  INFO(run.output());
  CHECK(exit_code == 130);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK(run.output().find("pipectl run: interrupted") != std::string::npos);
  for (const auto& file : files_under(out)) {
    INFO(file);
    CHECK(file.filename().string().find(".part-") == std::string::npos);
  }
  // The three running handles stopped and said so; the three queued ones never started.
  size_t started = 0, interrupted = 0;
  for (const auto& event : read_events(events_file)) {
    std::string name = field(event, "event");
    started += name == "started";
    if (name == "failed") {
      CHECK(event.at("cancelled").as_bool());
      ++interrupted;
    }
    CHECK(name != "finished");
  }
  CHECK(started == 3);
  CHECK(interrupted == 3);
}

TEST_CASE("--timeout stops a handle that runs too long; --retry runs failed handles again") {
  test::TempDir folder("pipectl-supervisor-timeout");
  auto handles = write_dataset(folder.path() / "stored", 1);
  fs::path out = folder.path() / "videos";

  SECTION("a handle past its time-out fails, each attempt, and leaves nothing behind") {
    // 1 s in a release build; a sanitizer build takes longer than that to reach its first stage.
    const std::string limit = std::to_string(test::time_scale());
    fs::path graph = write_graph(folder.path(), folder.path() / "stored",
                                 "node mark : test-slow delay=" + std::to_string(2 * test::time_scale()) + "s");
    fs::path events_file = folder.path() / "events.jsonl";
    auto result = test::run_command(run_command_line(graph, {"broken_posts"}, out,
                                                     "--timeout " + limit + "s --retry 1 --events " +
                                                         test::shell_quote(events_file.string()) + with_test_stages()));
    INFO(result.output);
    CHECK(result.exit_code == 1);
    CHECK(result.output.find("broken_posts: retrying (attempt 2 of 2)") != std::string::npos);
    CHECK(result.output.find("error: broken_posts: timed out after " + limit + " s in stage ") != std::string::npos);
    CHECK(summary_row(result.output, "broken_posts").find("FAILED: timed out after " + limit + " s") !=
          std::string::npos);
    CHECK(files_under(out / "broken_posts").empty());
    std::vector<std::string> kinds;
    for (const auto& event : read_events(events_file)) {
      std::string name = field(event, "event");
      if (name == "progress" || name == "warning") continue;
      kinds.push_back(name);
      if (name == "failed") CHECK(event.at("timed_out").as_bool());
      if (name == "started") CHECK(event.at("attempt").to_number<int>() == (kinds.size() == 1 ? 1 : 2));
    }
    CHECK(kinds == std::vector<std::string>{"started", "failed", "retrying", "started", "failed"});
  }

  SECTION("a handle whose first attempt crashes makes its video on the retry") {
    // test-crash aborts once per handle: it leaves a marker in the output folder first.
    fs::path graph = write_graph(folder.path(), folder.path() / "stored",
                                 "node mark : test-crash handle=bad_next_page once=\"{out}/crashed-{handle}\"");
    auto result = test::run_command(run_command_line(graph, handles, out, "-j 2 --retry 2" + with_test_stages()));
    INFO(result.output);
    CHECK(result.exit_code == 0);
    CHECK(result.output.find("error: bad_next_page: the process was killed by SIGABRT") != std::string::npos);
    CHECK(result.output.find("bad_next_page: retrying (attempt 2 of 3)") != std::string::npos);
    CHECK(result.output.find("attempt 3") == std::string::npos);
    CHECK(summary_row(result.output, "bad_next_page").find(" ok ") != std::string::npos);
    CHECK(summary_row(result.output, "bad_next_page").find("[attempt 2]") != std::string::npos);
    CHECK(test::probe_video(out / "bad_next_page/2026-11-24.mp4").frames == 4 * 30);
  }
}

TEST_CASE("a stage's announced wait is an event and a log line") {
  test::TempDir folder("pipectl-supervisor-wait");
  write_dataset(folder.path() / "stored", 1);
  fs::path graph = write_graph(folder.path(), folder.path() / "stored",
                               "node mark : test-slow delay=0.1s wait_reason=\"rate limit\"");
  fs::path events_file = folder.path() / "events.jsonl";
  auto result = test::run_command(run_command_line(graph, {"broken_posts"}, folder.path() / "videos",
                                                   "--events " + test::shell_quote(events_file.string()) +
                                                       with_test_stages()));
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("broken_posts: waiting 0.1 s: rate limit (mark)") != std::string::npos);
  size_t waits = 0;
  for (const auto& event : read_events(events_file)) {
    if (field(event, "event") != "waiting") continue;
    ++waits;
    CHECK(field(event, "node") == "mark");
    CHECK(field(event, "reason") == "rate limit");
    CHECK(event.at("seconds").to_number<double>() == Approx(0.1));
  }
  CHECK(static_cast<int>(waits) == posts_of("broken_posts") + 2);  // one per frame: title, the posts, end
}

TEST_CASE("on a terminal, a live view redraws each running handle's stage and progress") {
  test::TempDir folder("pipectl-supervisor-tty");
  auto handles = write_dataset(folder.path() / "stored", 2);
  fs::path graph = write_graph(folder.path(), folder.path() / "stored", "node mark : test-slow delay=0.3s");
  fs::path transcript = folder.path() / "terminal.txt";
  // script(1) runs the command on a pseudo-terminal and records what it printed there. The live
  // view also needs a TERM that can move the cursor (CI may have none).
  std::string command = "stty cols 120 rows 40; TERM=xterm " +
                        run_command_line(graph, handles, folder.path() / "videos", "-j 2" + with_test_stages());
  auto result = test::run_command("script -qfec " + test::shell_quote(command) + " " +
                                  test::shell_quote(transcript.string()) + " >/dev/null");
  std::ifstream in(transcript);
  std::string screen((std::istreambuf_iterator<char>(in)), {});
  INFO(screen);
  CHECK(result.exit_code == 0);
  CHECK(screen.find("\x1b[J") != std::string::npos);  // redrawn in place
  CHECK(screen.find("elapsed 0:0") != std::string::npos);
  CHECK(screen.find("queued 2  running 2  done 0  failed 0") != std::string::npos);
  CHECK(screen.find("done 4  failed 0") != std::string::npos);
  // A line per running handle: name, progress bar, stage and count.
  CHECK(screen.find("  bad_next_page  [") != std::string::npos);
  CHECK(screen.find("%  encode ") != std::string::npos);
  CHECK(screen.find("[####################] 100%") != std::string::npos);
  CHECK(screen.find("  bad_next_page: done in ") != std::string::npos);
  CHECK(screen.find("4 of 4 handles made their video") != std::string::npos);
  CHECK(screen.find("[1/4]") == std::string::npos);  // the plain lines are for non-terminals

  auto plain = test::run_command("script -qfec " +
                                 test::shell_quote(command + " --plain --force") + " /dev/null");
  INFO(plain.output);
  CHECK(plain.exit_code == 0);
  CHECK(plain.output.find("\x1b[") == std::string::npos);
  CHECK(plain.output.find("[1/4]") != std::string::npos);
}

namespace {

// The size of each handle's video in a run without limits, to choose a limit between them.
std::map<std::string, std::uintmax_t> video_sizes(const fs::path& graph, const std::vector<std::string>& handles,
                                                  const fs::path& out) {
  auto result = run("", graph, handles, out, "-j 1");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  std::map<std::string, std::uintmax_t> sizes;
  for (const auto& handle : handles) sizes[handle] = fs::file_size(out / handle / "2026-11-24.mp4");
  return sizes;
}

}  // namespace

TEST_CASE("a video past the file size limit fails its own handle, naming the file and the limit; the others go on",
          "[faults]") {
  test::TempDir folder("pipectl-supervisor-fsize");
  fs::path graph = write_graph(folder.path(), test::stored_fixtures());
  const std::string small = "bad_next_page", large = "broken_posts";
  auto sizes = video_sizes(graph, {small, large}, folder.path() / "reference");
  REQUIRE(sizes[large] > sizes[small] + 1024);
  const auto limit = std::to_string((sizes[small] + sizes[large]) / 2);
  // RLIMIT_FSIZE as `ulimit -f` or a batch system sets it: for pipectl and all it starts.
  auto result = run("prlimit --fsize=" + limit + ":" + limit + " ", graph, {small, large}, folder.path() / "videos",
                    "-j 2");
  INFO(result.output);
  CHECK(result.exit_code == 1);
  const std::string video = (folder.path() / "videos" / large / "2026-11-24.mp4").string();
  CHECK_THAT(result.output, Catch::Contains(large + ": stage 'encode': cannot") && Catch::Contains(video + ".part-") &&
                                Catch::Contains("file size limit exceeded (RLIMIT_FSIZE, `ulimit -f`") &&
                                Catch::Contains("(output " + video + ")"));
  CHECK(result.output.find("killed by") == std::string::npos);  // pipectl ignores SIGXFSZ: the write fails
  CHECK(result.output.find("1 of 2 handles made their video") != std::string::npos);
  CHECK(fs::file_size(folder.path() / "videos" / small / "2026-11-24.mp4") == sizes[small]);
  for (const auto& file : files_under(folder.path() / "videos" / large)) {
    INFO(file);
    CHECK(file.extension() != ".mp4");  // no video, no temporary file
  }
  CHECK_FALSE(fs::exists(video));
}

TEST_CASE("a full disk fails the handle whose video it holds, naming the file and the disk; the others go on",
          "[faults]") {
  // The real ENOSPC: the large handle's folder is a 12 KiB tmpfs of the command's own.
  if (auto problem = test::own_filesystem_problem(); !problem.empty()) {
    return test::skip(problem);
  }
  test::TempDir folder("pipectl-supervisor-enospc");
  fs::path graph = write_graph(folder.path(), test::stored_fixtures());
  const fs::path out = folder.path() / "videos", small_disk = out / "broken_posts";
  fs::create_directories(small_disk);
  // What the small disk holds when the run is over, listed before the namespace (and the tmpfs) goes.
  const std::string command = "/bin/sh -c " +
                              test::shell_quote(run_command_line(graph, {"broken_posts", "bad_next_page"}, out, "-j 1") +
                                                "; code=$?; echo \"small disk holds: [$(ls -A " +
                                                test::shell_quote(small_disk.string()) + ")]\"; exit $code");
  auto result = test::run_command(test::with_own_filesystem(small_disk, "size=12k", command));
  INFO(result.output);
  CHECK(result.exit_code == 1);
  const std::string video = (small_disk / "2026-11-24.mp4").string();
  CHECK_THAT(result.output, Catch::Contains("broken_posts: stage 'encode': cannot") &&
                                Catch::Contains(video + ".part-") &&
                                Catch::Contains("no space left on device (the disk is full) (output " + video + ")"));
  CHECK(result.output.find("small disk holds: []") != std::string::npos);  // no temporary file, no video
  CHECK(fs::file_size(out / "bad_next_page/2026-11-24.mp4") > 0);
  CHECK(result.output.find("1 of 2 handles made their video") != std::string::npos);
}

TEST_CASE("a child killed by SIGXFSZ is reported as over the file size limit, not only by the signal", "[faults]") {
  test::TempDir folder("pipectl-supervisor-sigxfsz");
  auto handles = write_dataset(folder.path() / "stored", 1);
  fs::path graph =
      write_graph(folder.path(), folder.path() / "stored", "node mark : test-crash handle=bad_next_page signal=XFSZ");
  fs::path events_file = folder.path() / "events.jsonl";
  auto result = run("", graph, handles, folder.path() / "videos",
                    "-j 2 --events " + test::shell_quote(events_file.string()) + with_test_stages());
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("bad_next_page: the process was killed by SIGXFSZ (file size limit (RLIMIT_FSIZE) "
                           "exceeded: a file it wrote passed `ulimit -f`)") != std::string::npos);
  CHECK(result.output.find("1 of 2 handles made their video") != std::string::npos);
  for (const auto& event : read_events(events_file))
    if (field(event, "event") == "failed") CHECK(field(event, "signal") == "SIGXFSZ");
}

namespace {

// A stored dataset holding one handle whose one post of 2026-11-24 shows the picture at `url`.
void write_dataset_with_picture(const fs::path& dataset, const std::string& handle, const std::string& url) {
  fs::create_directories(dataset / handle / "pages");
  std::ofstream(dataset / handle / "user.json")
      << R"({"data": {"id": "900099", "name": "Picture Poster", "username": ")" << handle << R"("}})";
  std::ofstream(dataset / handle / "pages/page-1.json")
      << R"({"data": [{"id": "5001", "author_id": "900099", "created_at": "2026-11-24T10:00:00.000Z",)"
      << R"( "text": "a post with a photo", "attachments": {"media_keys": ["3_photo"]}}],)"
      << R"( "includes": {"users": [{"id": "900099", "name": "Picture Poster", "username": ")" << handle << R"("}],)"
      << R"( "media": [{"media_key": "3_photo", "type": "photo", "url": ")" << url
      << R"(", "width": 800, "height": 600}]}, "meta": {"result_count": 1}})";
}

}  // namespace

TEST_CASE("the media cache on a full disk: a warning, the picture drawn from memory, nothing half-written",
          "[faults]") {
  if (auto problem = test::own_filesystem_problem(); !problem.empty()) {
    return test::skip(problem);
  }
  test::TempDir folder("pipectl-supervisor-cache-full");
  const fs::path picture = folder.path() / "pattern.png";
  REQUIRE(test::run_command("ffmpeg -v error -y -f lavfi -i testsrc=s=1280x720 -frames:v 1 " +
                            test::shell_quote(picture.string()))
              .exit_code == 0);
  std::ifstream in(picture, std::ios::binary);
  const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(png.size() > 8192);
  test::LoopbackServer server([&](const test::LoopbackRequest&) { return test::reply_with(200, png); });
  const fs::path dataset = folder.path() / "stored";
  write_dataset_with_picture(dataset, "photo_poster", server.url("/pattern.png"));
  fs::path graph = write_graph(folder.path(), dataset);
  const fs::path out = folder.path() / "videos", cache = out / ".cache" / "media";
  fs::create_directories(cache);
  // The cache folder is a 4 KiB tmpfs: the picture (tens of KiB) does not fit.
  const std::string command = "/bin/sh -c " +
                              test::shell_quote(run_command_line(graph, {"photo_poster"}, out, "-j 1") +
                                                "; code=$?; echo \"cache holds: [$(find " +
                                                test::shell_quote(cache.string()) + " -type f)]\"; exit $code");
  auto result = test::run_command(test::with_own_filesystem(cache, "size=4k", command));
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Contains("cannot write the media cache file " + cache.string()) &&
                                Catch::Contains("no space left on device (the disk is full); " +
                                                server.url("/pattern.png") +
                                                " is used from memory, not kept in the cache"));
  CHECK(result.output.find("placeholder") == std::string::npos);  // the picture was drawn
  CHECK(result.output.find("cache holds: []") != std::string::npos);
  CHECK(test::probe_video(out / "photo_poster/2026-11-24.mp4").frames == 3 * 30);  // title, post, end
}

TEST_CASE("Ctrl-C during a download that stalls stops the run within a second, exit 130, no temporary file",
          "[faults][cancel]") {
  // A server that sends the headers of a picture and then nothing: only download-media's
  // 30 s timeout would end the wait, were Ctrl-C not noticed.
  test::LoopbackServer server([](const test::LoopbackRequest&) {
    test::LoopbackReply reply = test::reply_with(200, std::string(200000, 'x'));
    reply.pause_after_headers = std::chrono::seconds(60);
    return reply;
  });
  test::TempDir folder("pipectl-supervisor-download-interrupt");
  const fs::path dataset = folder.path() / "stored";
  write_dataset_with_picture(dataset, "stall_media", server.url("/stall.jpg"));
  fs::path graph = write_graph(folder.path(), dataset);
  const fs::path out = folder.path() / "videos";
  auto mode = GENERATE(as<std::string>{}, "-j 1", "--no-fork");
  INFO(mode);
  const int asked_before = server.requests();
  const fs::path events_file = folder.path() / ("events" + std::to_string(asked_before) + ".jsonl");
  BackgroundRun run(run_command_line(graph, {"stall_media"}, out,
                                     mode + " --events " + test::shell_quote(events_file.string())),
                    folder.path() / "output.txt");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (server.requests() == asked_before && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(server.requests() > asked_before);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // well into the wait for the body
  REQUIRE(kill(run.pid(), SIGINT) == 0);
  const auto start = std::chrono::steady_clock::now();
  const int exit_code = run.wait();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "Ctrl-C during a stalled download (%s): the run ended %.3f s after SIGINT\n", mode.c_str(),
               seconds);
  INFO(run.output());
  CHECK(exit_code == 130);
  CHECK(seconds < 1.5);  // the aim is 1 s; the margin is for a loaded machine
  CHECK(run.output().find("pipectl run: interrupted") != std::string::npos);
  for (const auto& file : files_under(out)) {
    INFO(file);
    CHECK(file.filename().string().find(".part-") == std::string::npos);
  }
  // The download gave up because the run was stopped: a cancellation, not a failure of the stage.
  size_t failed = 0;
  for (const auto& event : read_events(events_file)) {
    if (field(event, "event") != "failed") continue;
    ++failed;
    INFO(json::serialize(event));
    CHECK(event.contains("cancelled"));
    CHECK(field(event, "error").find("download-media") == std::string::npos);
  }
  CHECK(failed == 1);
}

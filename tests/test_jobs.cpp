// What a run is for, and one view of many runs: handle lists (--handles-file), shards
// (--shard I/N, --shard auto from Slurm's or Kubernetes' environment), pipectl plan, the
// shards' event files and pipectl status merging them. The Slurm array itself: test_slurm.cpp.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "events_folder.hpp"
#include "handle_list.hpp"
#include "shard.hpp"
#include "support/fixture_graph.hpp"
#include "support/handle_dataset.hpp"
#include "support/json_lines.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"

using namespace pipectl;
using namespace pipectl::cli;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// `count` distinct handles of 3 to 15 characters, the same every time.
std::vector<std::string> many_handles(std::size_t count, unsigned seed = 7) {
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_";
  std::mt19937 random(seed);
  std::set<std::string> seen;
  std::vector<std::string> handles;
  while (handles.size() < count) {
    std::string handle(3 + random() % 13, 'a');
    for (char& c : handle) c = alphabet[random() % alphabet.size()];
    if (seen.insert(handle).second) handles.push_back(handle);
  }
  return handles;
}

std::string list_error(const std::string& text) {
  std::istringstream in(text);
  HandleList list;
  return list.add_lines(in, "handles.txt");
}

// An environment made of `variables` only.
EnvironmentLookup environment(std::map<std::string, std::string> variables) {
  return [variables](const char* name) -> std::optional<std::string> {
    auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

std::string environment_error(std::map<std::string, std::string> variables) {
  std::string error;
  auto shard = shard_from_environment(environment(std::move(variables)), error);
  CHECK(!shard);
  return error;
}

Shard environment_shard(std::map<std::string, std::string> variables) {
  std::string error;
  auto shard = shard_from_environment(environment(std::move(variables)), error);
  INFO(error);
  REQUIRE(shard);
  return *shard;
}

test::CommandResult run_pipectl(const std::string& arguments) {
  return test::run_command(test::shell_quote(test::pipectl_binary()) + " " + arguments);
}

std::string quoted(const fs::path& path) { return test::shell_quote(path.string()); }

}  // namespace

TEST_CASE("handle files: comments, blank lines and spaces are ignored; a bad or repeated handle is FILE:LINE") {
  std::istringstream in("# our accounts\n\nnasa\n  esa   # the agency\n\tjaxa\r\n");
  HandleList list;
  CHECK(list.add_lines(in, "handles.txt").empty());
  CHECK(list.handles() == std::vector<std::string>{"nasa", "esa", "jaxa"});
  CHECK(list.add_commas("isro,,cnsa").empty());
  CHECK(list.handles().size() == 5);

  const std::string forms =
      " is not a handle (an X username of 1-15 letters, digits or _; a Bluesky handle such as alice.bsky.social; "
      "or a Mastodon address such as @ada@mastodon.social)";
  CHECK(list_error("nasa\nesa\nn-a-s-a\n") == "handles.txt:3: 'n-a-s-a'" + forms);
  CHECK(list_error("nasa\n@@esa\n") == "handles.txt:2: '@@esa'" + forms);
  CHECK(list_error("../etc\n").find("handles.txt:1:") == 0);
  CHECK(list_error("a_handle_too_long_\n") == "handles.txt:1: 'a_handle_too_long_'" + forms);
  for (const char* unsafe : {"..", ".hidden.example", "a/b.example", "ada@", "@", "ada@../x", "ada@social..example",
                             "ada@social.example/x", "127.0.0.1", "-x.example", "x-.example"})
    CHECK(list_error(std::string(unsafe) + "\n").find("is not a handle") != std::string::npos);
  // X usernames are case-insensitive: NASA is nasa.
  CHECK(list_error("nasa\n# esa\nNASA\n") == "handles.txt:3: 'NASA' is given twice (first as 'nasa' at handles.txt:1)");
  HandleList both;
  CHECK(both.add_commas("esa").empty());
  std::istringstream again("ESA\n");
  CHECK(both.add_lines(again, "list") == "list:1: 'ESA' is given twice (first as 'esa' at --handles)");
  CHECK(HandleList().add_file("/nonexistent/handles.txt") ==
        "/nonexistent/handles.txt: cannot be read (no such file, or no permission)");
}

TEST_CASE("handles of three networks; a leading @ is dropped; the same account twice is a duplicate") {
  HandleList list;
  CHECK(list.add_commas("@nasa,alice.bsky.social,example.com,@ada@mastodon.social,bob@social.example").empty());
  CHECK(list.handles() ==
        std::vector<std::string>{"nasa", "alice.bsky.social", "example.com", "ada@mastodon.social", "bob@social.example"});
  CHECK(list.add_commas("Alice.Bsky.Social") ==
        "--handles: 'Alice.Bsky.Social' is given twice (first as 'alice.bsky.social' at --handles)");
  CHECK(list.add_commas("ADA@mastodon.social").find("is given twice") != std::string::npos);
}

TEST_CASE("10,000 handles: parsed, planned and sharded") {
  // How long this takes is measured with `time pipectl plan` (README), not here.
  auto handles = many_handles(10000);
  std::ostringstream text;
  for (const auto& handle : handles) text << handle << '\n';
  std::istringstream in(text.str());
  HandleList list;
  REQUIRE(list.add_lines(in, "big.txt").empty());
  REQUIRE(list.handles() == handles);

  for (std::uint32_t count : {16u, 1000u}) {
    ShardPlan plan = plan_shards(handles, count);
    std::size_t total = 0;
    for (std::uint32_t index = 0; index < count; ++index) {
      total += plan.shards[index].size();
      for (const auto& handle : plan.shards[index]) REQUIRE(shard_of(handle, count) == index);
    }
    CHECK(total == handles.size());
    // A hash spreads handles as chance does: a shard's size is binomial, its standard
    // deviation sqrt(n p (1 - p)). Clumping (a weak hash on similar names) would show as more.
    double p = 1.0 / count;
    double chance = std::sqrt(static_cast<double>(handles.size()) * p * (1 - p));
    WARN("10,000 handles over " << count << " shards: " << plan.smallest << " to " << plan.largest
                                << " a shard, mean " << plan.mean << ", standard deviation " << plan.deviation
                                << " (chance: " << chance << "), largest - smallest = " << 100 * plan.spread()
                                << "% of the mean");
    CHECK(plan.deviation < 1.2 * chance);
    CHECK(plan.deviation > 0.8 * chance);
    if (count == 16) {
      CHECK(plan.smallest >= 560);  // within 3 standard deviations of 625
      CHECK(plan.largest <= 690);
    }
  }

  // Similar names (user0 ... user9999) spread as well as random ones.
  std::vector<std::string> similar;
  for (int i = 0; i < 10000; ++i) similar.push_back("user" + std::to_string(i));
  ShardPlan plan = plan_shards(similar, 16);
  CHECK(plan.deviation < 1.2 * std::sqrt(10000.0 / 16 * 15 / 16));
}

TEST_CASE("a handle's shard depends on the handle alone: adding handles moves no other") {
  auto handles = many_handles(10000);
  std::map<std::string, std::uint32_t> before;
  for (const auto& handle : handles) before[handle] = shard_of(handle, 16);
  // The list grows (new handles, another order): every old handle stays in its shard.
  auto more = many_handles(11000, 99);
  more.insert(more.end(), handles.rbegin(), handles.rend());
  ShardPlan plan = plan_shards(more, 16);
  for (std::uint32_t index = 0; index < 16; ++index)
    for (const auto& handle : plan.shards[index])
      if (before.count(handle)) REQUIRE(before[handle] == index);
  // Letter case does not move a handle (X usernames are case-insensitive).
  CHECK(shard_of("NASA", 16) == shard_of("nasa", 16));
  // Growing the array by one shard moves only the handles that the new shard takes (~1/17).
  std::size_t moved = 0;
  for (const auto& handle : handles) {
    auto now = shard_of(handle, 17);
    if (now != before[handle]) {
      ++moved;
      REQUIRE(now == 16);
    }
  }
  CHECK(moved > 10000 / 17 * 0.8);
  CHECK(moved < 10000 / 17 * 1.2);
  // The hash is part of the contract of arrays already running: these never change.
  CHECK(std::vector<std::uint32_t>{shard_of("nasa", 16), shard_of("esa", 16), shard_of("jaxa", 16),
                                   shard_of("nasa", 1000)} == std::vector<std::uint32_t>{3, 4, 8, 943});
  CHECK(shard_of("anything", 1) == 0);
}

TEST_CASE("--shard I/N: numbers from 0, I below N") {
  std::string error;
  auto shard = parse_shard("3/16", error);
  REQUIRE(shard);
  CHECK(shard->index == 3);
  CHECK(shard->count == 16);
  CHECK(shard->name() == "3-of-16");
  for (const char* bad : {"16/16", "1/0", "-1/4", "1/", "/4", "a/b", "1/4/2", "1/100001", "", "1 /4", "+1/4"}) {
    INFO(bad);
    CHECK(!parse_shard(bad, error));
    CHECK(error.find(std::string("--shard '") + bad + "'") == 0);
  }
}

TEST_CASE("--shard auto: Slurm arrays and Kubernetes Indexed Jobs; missing or contradictory variables are named") {
  // Slurm: sbatch --array=0-15 sets ID, COUNT, MIN and MAX.
  Shard slurm = environment_shard({{"SLURM_ARRAY_TASK_ID", "5"},
                                   {"SLURM_ARRAY_TASK_COUNT", "16"},
                                   {"SLURM_ARRAY_TASK_MIN", "0"},
                                   {"SLURM_ARRAY_TASK_MAX", "15"}});
  CHECK((slurm.index == 5 && slurm.count == 16));
  CHECK(slurm.origin == "SLURM_ARRAY_TASK_ID=5, SLURM_ARRAY_TASK_COUNT=16");
  // Without COUNT (older Slurm): from MIN and MAX.
  Shard range = environment_shard({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_MAX", "7"}});
  CHECK((range.index == 2 && range.count == 8));
  // One index submitted again (--array=5) with PIPECTL_SHARDS: still shard 5 of 16.
  Shard again = environment_shard({{"SLURM_ARRAY_TASK_ID", "5"},
                                   {"SLURM_ARRAY_TASK_COUNT", "1"},
                                   {"SLURM_ARRAY_TASK_MIN", "5"},
                                   {"SLURM_ARRAY_TASK_MAX", "5"},
                                   {"PIPECTL_SHARDS", "16"}});
  CHECK((again.index == 5 && again.count == 16));
  // Kubernetes: the index from the Job, the count from the manifest.
  Shard k8s = environment_shard({{"JOB_COMPLETION_INDEX", "7"}, {"PIPECTL_SHARDS", "8"}});
  CHECK((k8s.index == 7 && k8s.count == 8));
  CHECK(k8s.origin == "JOB_COMPLETION_INDEX=7, PIPECTL_SHARDS=8");

  CHECK(environment_error({}).find("neither SLURM_ARRAY_TASK_ID") != std::string::npos);
  CHECK(environment_error({{"JOB_COMPLETION_INDEX", "1"}}) ==
        "--shard auto: JOB_COMPLETION_INDEX=1 is set but PIPECTL_SHARDS is not: set it in the pod spec to the Job's "
        "completions");
  CHECK(environment_error({{"JOB_COMPLETION_INDEX", "8"}, {"PIPECTL_SHARDS", "8"}}).find("below the number of shards") !=
        std::string::npos);
  CHECK(environment_error({{"JOB_COMPLETION_INDEX", "x"}, {"PIPECTL_SHARDS", "8"}}) ==
        "--shard auto: JOB_COMPLETION_INDEX='x' is not a whole number");
  CHECK(environment_error({{"JOB_COMPLETION_INDEX", "1"}, {"PIPECTL_SHARDS", "0"}}).find("PIPECTL_SHARDS=0") !=
        std::string::npos);
  CHECK(environment_error({{"SLURM_ARRAY_TASK_ID", "1"}, {"JOB_COMPLETION_INDEX", "1"}, {"PIPECTL_SHARDS", "4"}})
            .find("both a Slurm array task (SLURM_ARRAY_TASK_ID=1) and a Kubernetes Indexed Job") != std::string::npos);
  CHECK(environment_error({{"SLURM_ARRAY_TASK_ID", "3"}}).find("neither SLURM_ARRAY_TASK_COUNT nor") !=
        std::string::npos);
  CHECK(environment_error({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_MAX", "4"},
                           {"SLURM_ARRAY_TASK_COUNT", "4"}})
            .find("starts at SLURM_ARRAY_TASK_MIN=1") != std::string::npos);
  // --array=0-15:2 (a step): 8 tasks but 16 numbers.
  CHECK(environment_error({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_MAX", "14"},
                           {"SLURM_ARRAY_TASK_COUNT", "8"}})
            .find("SLURM_ARRAY_TASK_COUNT=8 but the array runs from SLURM_ARRAY_TASK_MIN=0 to SLURM_ARRAY_TASK_MAX=14") !=
        std::string::npos);
  CHECK(environment_error({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_MAX", "15"}, {"PIPECTL_SHARDS", "8"}})
            .find("SLURM_ARRAY_TASK_MAX=15 but PIPECTL_SHARDS=8") != std::string::npos);
}

TEST_CASE("event files are read as they grow, whole lines only, again from the start when written anew") {
  test::TempDir folder;
  fs::path a = folder.path() / "0-of-2.jsonl", b = folder.path() / "1-of-2.jsonl";
  std::ofstream(folder.path() / "notes.txt") << "not an event file\n";
  EventsFolder events(folder.path());
  CHECK(events.read_new().empty());
  {
    std::ofstream out(a);
    out << R"({"event":"started","handle":"x","time":"t"})" << '\n' << R"({"event":"progress","hand)";
  }
  std::ofstream(b) << R"({"event":"skipped","handle":"y"})" << "\nnot json\n";
  auto first = events.read_new();
  REQUIRE(first.size() == 2);
  CHECK(test::string_field(first[0], "handle") == "x");
  CHECK(test::string_field(first[1], "handle") == "y");
  CHECK(events.unreadable() == 1);
  {
    std::ofstream out(a, std::ios::app);
    out << R"(le":"x"})" << '\n';
  }
  auto second = events.read_new();
  REQUIRE(second.size() == 1);
  CHECK(test::string_field(second[0], "event") == "progress");
  CHECK(events.read_new().empty());
  // A requeued task writes its file anew (truncated, then longer than before).
  std::ofstream(a) << R"({"event":"started","handle":"z","time":"u"})" << '\n'
                   << R"({"event":"finished","handle":"z","time":"u"})" << '\n'
                   << R"({"event":"finished","handle":"w","time":"u"})" << '\n';
  auto third = events.read_new();
  REQUIRE(third.size() == 3);
  CHECK(test::string_field(third[0], "handle") == "z");
  CHECK(events.files() == 2);
}

// ---- the command line: pipectl run --handles-file / --shard, pipectl plan, pipectl status ----

namespace {

// `count` handles with data in `folder`/data, their list in `folder`/handles.txt, and the
// fixture graph over them in `folder`/fixtures.graph.
struct Array {
  explicit Array(const fs::path& folder, int count) {
    handles = test::write_handle_dataset(folder / "data", count);
    list = folder / "handles.txt";
    test::write_handles_file(list, handles);
    graph = test::write_fixture_graph(folder / "fixtures.graph", folder / "data");
    out = folder / "out";
  }
  // pipectl run for the whole list, with `options` (--shard ...); `environment` goes first.
  test::CommandResult run(const std::string& options, const std::string& environment = "") const {
    return test::run_command(environment + " " + test::shell_quote(test::pipectl_binary()) + " run " + quoted(graph) +
                             " --handles-file " + quoted(list) + " --date 2026-11-24 --out " + quoted(out) + " " + options);
  }
  std::vector<std::string> handles;
  fs::path list, graph, out;
};

std::set<std::string> handles_in(const std::vector<json::object>& events) {
  std::set<std::string> handles;
  for (const auto& event : events) handles.insert(test::string_field(event, "handle"));
  return handles;
}

}  // namespace

TEST_CASE("run --handles-file: bad lists are refused before anything runs; - reads standard input") {
  test::TempDir folder;
  Array array(folder.path(), 3);
  fs::path bad = folder.path() / "bad.txt";
  std::ofstream(bad) << "# list\n" << array.handles[0] << "\n\nnot-a-handle\n";
  auto result = run_pipectl("run " + quoted(array.graph) + " --handles-file " + quoted(bad) + " --out " + quoted(array.out));
  CHECK(result.exit_code == 2);
  CHECK(result.output.find(bad.string() + ":4: 'not-a-handle' is not a handle") != std::string::npos);
  CHECK(!fs::exists(array.out));  // nothing ran, nothing was written
  fs::path twice = folder.path() / "twice.txt";
  std::ofstream(twice) << "User0\n";
  auto repeated = run_pipectl("run " + quoted(array.graph) + " --handles user0 --handles-file " + quoted(twice) +
                              " --out " + quoted(array.out));
  CHECK(repeated.exit_code == 2);
  CHECK(repeated.output.find(twice.string() + ":1: 'User0' is given twice (first as 'user0' at --handles)") !=
        std::string::npos);
  auto missing = run_pipectl("run " + quoted(array.graph) + " --handles-file " + quoted(folder.path() / "none.txt"));
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("none.txt: cannot be read") != std::string::npos);
  auto empty = run_pipectl("run " + quoted(array.graph) + " --handles-file /dev/null");
  CHECK(empty.exit_code == 2);
  CHECK(empty.output.find("the handles file holds no handle") != std::string::npos);

  auto from_stdin = test::run_command("printf '" + array.handles[1] + "\\n# end\\n' | " +
                                      test::shell_quote(test::pipectl_binary()) + " run " + quoted(array.graph) +
                                      " --handles-file - --date 2026-11-24 --out " + quoted(array.out));
  INFO(from_stdin.output);
  CHECK(from_stdin.exit_code == 0);
  CHECK(fs::exists(array.out / array.handles[1] / "2026-11-24.mp4"));
  CHECK(!fs::exists(array.out / array.handles[0]));
}

TEST_CASE("shards of one list make every video exactly once; pipectl status merges their event files") {
  test::TempDir folder;
  Array array(folder.path(), 12);
  std::map<std::string, int> shard_of_handle;
  for (int index = 0; index < 3; ++index) {
    auto result = array.run("--shard " + std::to_string(index) + "/3");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    fs::path events = array.out / ".pipectl" / "events" / (std::to_string(index) + "-of-3.jsonl");
    REQUIRE(fs::exists(events));
    auto handles = handles_in(test::read_json_lines(events));
    CHECK(result.output.find("shard " + std::to_string(index) + " of 3 (--shard " + std::to_string(index) +
                             "/3): " + std::to_string(handles.size()) + " of 12 handles") != std::string::npos);
    for (const auto& handle : handles) {
      CHECK(shard_of(handle, 3) == static_cast<std::uint32_t>(index));
      CHECK(shard_of_handle.emplace(handle, index).second);  // in one shard only
    }
  }
  CHECK(shard_of_handle.size() == 12);
  std::size_t videos = 0;
  for (const auto& entry : fs::recursive_directory_iterator(array.out)) {
    if (entry.path().extension() != ".mp4") continue;
    ++videos;
    CHECK(entry.path().filename() == "2026-11-24.mp4");  // no temporary name left behind
    auto probe = test::probe_video(entry.path());
    CHECK(probe.width == 320);
  }
  CHECK(videos == 12);

  // The whole array, merged.
  fs::path events_dir = array.out / ".pipectl" / "events";
  auto status = run_pipectl("status --events-dir " + quoted(events_dir) + " --handles-file " + quoted(array.list));
  INFO(status.output);
  CHECK(status.exit_code == 0);
  CHECK(status.output.find("12 of 12 handles made their video") != std::string::npos);
  CHECK(status.output.find("Summary (2026-11-24, UTC)") != std::string::npos);

  // A shard run again (a requeued task) skips what is complete and writes its file anew.
  auto again = array.run("--shard 1/3");
  CHECK(again.exit_code == 0);
  auto rerun = test::read_json_lines(events_dir / "1-of-3.jsonl");
  for (const auto& event : rerun) CHECK(test::string_field(event, "event") == "skipped");
  auto after = run_pipectl("status --events-dir " + quoted(events_dir));
  CHECK(after.exit_code == 0);
  CHECK(after.output.find("12 of 12 handles made their video") != std::string::npos);

  // A handle no shard has run yet: the array is not over (exit 3).
  std::ofstream(array.list, std::ios::app) << "late_handle\n";
  auto unfinished = run_pipectl("status --events-dir " + quoted(events_dir) + " --handles-file " + quoted(array.list));
  CHECK(unfinished.exit_code == 3);
  CHECK(unfinished.output.find("0 running, 1 not started yet") != std::string::npos);

  auto no_folder = run_pipectl("status --events-dir " + quoted(folder.path() / "nowhere"));
  CHECK(no_folder.exit_code == 2);
  CHECK(no_folder.output.find("nowhere: no such folder") != std::string::npos);
  CHECK(run_pipectl("status").exit_code == 2);
  CHECK(run_pipectl("status --help").exit_code == 0);
}

TEST_CASE("status --status-port serves the merged array while following; Ctrl-C ends it") {
  test::TempDir folder;
  Array array(folder.path(), 4);
  REQUIRE(array.run("--shard 0/2").exit_code == 0);
  REQUIRE(array.run("--shard 1/2").exit_code == 0);
  std::ofstream(array.list, std::ios::app) << "not_yet_run\n";
  fs::path log = folder.path() / "status.log";
  // The page's JSON, fetched by Python's HTTP client while pipectl status follows.
  std::string script =
      test::shell_quote(test::pipectl_binary()) + " status --events-dir " + quoted(array.out / ".pipectl" / "events") +
      " --handles-file " + quoted(array.list) + " --status-port 0 > " + quoted(log) + " 2>&1 & pid=$!; " +
      "for i in $(seq 100); do grep -q 'status page:' " + quoted(log) + " && break; sleep 0.1; done; " +
      "url=$(sed -n 's/^status page: //p' " + quoted(log) + "); " +
      "python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1] + \"status.json\").read().decode())' "
      "\"$url\"; kill -INT $pid; wait $pid; echo \"exit=$?\"";
  auto result = test::run_command(script);
  INFO(result.output);
  auto brace = result.output.find('{');
  REQUIRE(brace != std::string::npos);
  auto body = json::parse(result.output.substr(brace, result.output.rfind('}') - brace + 1)).as_object();
  auto counts = body.at("counts").as_object();
  CHECK(counts.at("done").to_number<int>() == 4);
  CHECK(counts.at("queued").to_number<int>() == 1);
  CHECK(counts.at("total").to_number<int>() == 5);
  CHECK(body.at("date").as_string() == "2026-11-24");  // from the shards' started events
  CHECK(body.at("graph").as_string() == array.graph.string());
  CHECK(result.output.find("exit=130") != std::string::npos);
}

TEST_CASE("--shard auto: a Kubernetes index runs the same handles as --shard I/N; bad environments are exit 2") {
  test::TempDir folder;
  Array array(folder.path(), 8);
  auto k8s = array.run("--shard auto", "JOB_COMPLETION_INDEX=1 PIPECTL_SHARDS=2");
  INFO(k8s.output);
  REQUIRE(k8s.exit_code == 0);
  CHECK(k8s.output.find("shard 1 of 2 (JOB_COMPLETION_INDEX=1, PIPECTL_SHARDS=2)") != std::string::npos);
  auto handles = handles_in(test::read_json_lines(array.out / ".pipectl" / "events" / "1-of-2.jsonl"));
  std::set<std::string> expected;
  for (const auto& handle : array.handles)
    if (shard_of(handle, 2) == 1) expected.insert(handle);
  CHECK(handles == expected);
  for (const auto& handle : array.handles)
    CHECK(fs::exists(array.out / handle / "2026-11-24.mp4") == (expected.count(handle) == 1));

  test::TempDir clean;
  Array untouched(clean.path(), 2);
  for (const char* environment : {"", "JOB_COMPLETION_INDEX=1", "JOB_COMPLETION_INDEX=2 PIPECTL_SHARDS=2",
                                  "SLURM_ARRAY_TASK_ID=1 JOB_COMPLETION_INDEX=1 PIPECTL_SHARDS=2"}) {
    auto bad = untouched.run("--shard auto", std::string("env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX ") + environment);
    INFO(environment << ": " << bad.output);
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("pipectl run: --shard auto: ") != std::string::npos);
    CHECK(!fs::exists(untouched.out));
  }
  auto bad_shard = untouched.run("--shard 2/2");
  CHECK(bad_shard.exit_code == 2);
  CHECK(bad_shard.output.find("--shard '2/2'") != std::string::npos);
}

TEST_CASE("pipectl plan prints each shard's handles and the balance") {
  test::TempDir folder;
  auto handles = many_handles(100);
  fs::path list = folder.path() / "handles.txt";
  test::write_handles_file(list, handles);
  auto plan = run_pipectl("plan --shards 4 --handles-file " + quoted(list));
  INFO(plan.output);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.output.find("100 handles over 4 shards: ") == 0);
  for (const auto& handle : handles) {
    // The handle is listed under the shard that runs it.
    auto header = plan.output.find("shard " + std::to_string(shard_of(handle, 4)) + "/4: ");
    auto next = plan.output.find("\nshard ", header + 1);
    auto at = plan.output.find(" " + handle + "\n", header);
    auto at_space = plan.output.find(" " + handle + " ", header);
    CHECK(std::min(at, at_space) < next);
  }
  auto counts = run_pipectl("plan --shards 4 --counts --handles-file " + quoted(list));
  CHECK(counts.output.find(handles[0]) == std::string::npos);
  CHECK(run_pipectl("plan --shards 100000 --counts --handles-file " + quoted(list)).exit_code == 0);  // the top of the range
  CHECK(run_pipectl("plan --shards 100001 --handles-file " + quoted(list)).exit_code == 2);
  CHECK(run_pipectl("plan --shards 0 --handles-file " + quoted(list)).exit_code == 2);
  CHECK(run_pipectl("plan --handles-file " + quoted(list)).exit_code == 2);
  CHECK(run_pipectl("plan --shards 4").exit_code == 2);
  CHECK(run_pipectl("plan --help").exit_code == 0);
}

TEST_CASE("status reads when things happened from the events: a failure's wall time, exit 1") {
  test::TempDir folder;
  std::ofstream(folder.path() / "0-of-1.jsonl")
      << R"({"event":"started","time":"2026-11-25T10:00:00.000Z","handle":"alpha","pid":1,"attempt":1,"date":"2026-11-24","tz":"Europe/Paris","host":"node7"})"
      << '\n'
      << R"({"event":"failed","time":"2026-11-25T10:00:07.500Z","handle":"alpha","node":"fetch","error":"no such user"})"
      << '\n'
      << R"({"event":"skipped","time":"2026-11-25T10:00:08.000Z","handle":"beta","outputs":["out/beta/2026-11-24.mp4"],"video_seconds":12})"
      << '\n';
  auto status = run_pipectl("status --events-dir " + quoted(folder.path()));
  INFO(status.output);
  CHECK(status.exit_code == 1);
  CHECK(status.output.find("Summary (2026-11-24, Europe/Paris)") != std::string::npos);
  CHECK(status.output.find("7.5 s  FAILED: stage 'fetch': no such user") != std::string::npos);
  CHECK(status.output.find("1 of 2 handles made their video (1 already complete, skipped)") != std::string::npos);
}

TEST_CASE("status --follow on a terminal: the live view of the array, until every listed handle has an outcome") {
  test::TempDir folder;
  fs::path events = folder.path() / "events";
  fs::create_directories(events);
  fs::path list = folder.path() / "handles.txt";
  test::write_handles_file(list, {"alpha", "beta"});
  std::ofstream(events / "0-of-2.jsonl")
      << R"({"event":"started","time":"2026-11-25T10:00:00.000Z","handle":"alpha","pid":1,"attempt":1,"date":"2026-11-24","tz":"UTC"})"
      << '\n'
      << R"({"event":"progress","time":"2026-11-25T10:00:01.000Z","handle":"alpha","node":"fetch","stage":"fetch","position":0,"received":0,"emitted":10,"expected":10,"done":true})"
      << '\n'
      << R"({"event":"progress","time":"2026-11-25T10:00:01.000Z","handle":"alpha","node":"render","stage":"render","position":1,"received":4,"emitted":4,"done":false})"
      << '\n';
  fs::path transcript = folder.path() / "terminal.txt";
  // The other shard reports while status follows: beta starts and both finish.
  std::string later = R"({"event":"started","time":"2026-11-25T10:00:02.000Z","handle":"beta","pid":2,"attempt":1,"host":"node9"})"
                      "\n"
                      R"({"event":"finished","time":"2026-11-25T10:00:03.000Z","handle":"beta","outputs":["v/beta.mp4"],"seconds":1,"posts":3,"cards":5,"video_seconds":15})"
                      "\n";
  std::string finish_alpha = R"({"event":"finished","time":"2026-11-25T10:00:04.000Z","handle":"alpha","outputs":["v/alpha.mp4"],"seconds":4,"posts":10,"cards":12,"video_seconds":36})"
                             "\n";
  std::string command = "stty cols 120 rows 40; TERM=xterm " + test::shell_quote(test::pipectl_binary()) +
                        " status --follow --events-dir " + quoted(events) + " --handles-file " + quoted(list) +
                        " & sleep 1.5; printf '%s' " + test::shell_quote(later) + " > " +
                        quoted(events / "1-of-2.jsonl") + "; sleep 1; printf '%s' " + test::shell_quote(finish_alpha) +
                        " >> " + quoted(events / "0-of-2.jsonl") + "; wait $!";
  auto result = test::run_command("timeout 30 script -qfec " + test::shell_quote(command) + " " + quoted(transcript) +
                                  " >/dev/null");
  std::ifstream in(transcript);
  std::string screen((std::istreambuf_iterator<char>(in)), {});
  INFO(screen);
  CHECK(result.exit_code == 0);
  CHECK(screen.find("pipectl status " + events.string() + "  elapsed 0:0") != std::string::npos);
  CHECK(screen.find("queued 1  running 1  done 0  failed 0") != std::string::npos);
  CHECK(screen.find("  alpha   [#") != std::string::npos);  // padded to the width of "handle"
  CHECK(screen.find("render 4 of 10") != std::string::npos);
  CHECK(screen.find("  beta: done in 1.0 s -> v/beta.mp4") != std::string::npos);
  CHECK(screen.find("2 of 2 handles made their video") != std::string::npos);
}

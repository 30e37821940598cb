// deploy/slurm/daily.sbatch on a real Slurm: a single-node cluster (munged, slurmctld,
// slurmd) started on loopback by the test (support/slurm_cluster), an array over generated
// handles submitted with sbatch --wait. Every handle gets exactly one complete video; the
// array submitted again skips them all; a task cancelled mid-run with scancel and its index
// submitted again completes its shard, leaving no partial file under a final name.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include "events.hpp"
#include "shard.hpp"
#include "support/fixture_graph.hpp"
#include "support/handle_dataset.hpp"
#include "support/json_lines.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"
#include "support/skip.hpp"
#include "support/slurm_cluster.hpp"

using namespace pipectl;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr int shards = 4;

std::string quoted(const fs::path& path) { return test::shell_quote(path.string()); }

double seconds_since_epoch(std::chrono::system_clock::time_point time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

double now_seconds() { return seconds_since_epoch(std::chrono::system_clock::now()); }

// The UTC day before now, YYYY-MM-DD.
std::string yesterday_utc() {
  std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) -
                                  std::chrono::days(1)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                static_cast<unsigned>(day.day()));
  return text;
}

// Every event of every shard's file.
std::vector<json::object> all_events(const fs::path& out) {
  std::vector<json::object> events;
  fs::path folder = out / ".pipectl" / "events";
  if (!fs::is_directory(folder)) return events;
  for (const auto& entry : fs::directory_iterator(folder)) {
    auto more = test::read_json_lines(entry.path(), true);
    events.insert(events.end(), more.begin(), more.end());
  }
  return events;
}

// The files under `out` whose name says they are unfinished (<video>.part-<pid>-<n>.mp4).
std::vector<fs::path> partial_files(const fs::path& out) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::recursive_directory_iterator(out))
    if (entry.path().filename().string().find(".part-") != std::string::npos) found.push_back(entry.path());
  return found;
}

// Each handle's final video, checked with ffprobe: complete (4 cards of 1 s at 30 fps).
std::size_t complete_videos(const fs::path& out, const std::vector<std::string>& handles) {
  std::size_t complete = 0;
  for (const auto& handle : handles) {
    fs::path video = out / handle / "2026-11-24.mp4";
    if (!fs::exists(video)) continue;
    INFO(video.string());
    auto probe = test::probe_video(video);  // throws on a truncated file
    CHECK(probe.frames == 4 * 30);
    ++complete;
  }
  return complete;
}

// The array's submissions: the sbatch script with the test's data in its environment.
struct Submitter {
  test::SlurmCluster& cluster;
  fs::path folder, list, graph;
  std::string extra_args;  // PIPECTL_ARGS
  std::string date = "2026-11-24";  // PIPECTL_DATE; empty: the script's default

  test::CommandResult submit(const fs::path& out, const std::string& sbatch_options) const {
    std::string environment = cluster.environment() + "PIPECTL=" + test::shell_quote(test::pipectl_binary()) +
                              " PIPECTL_GRAPH=" + quoted(graph) + " PIPECTL_HANDLES_FILE=" + quoted(list) +
                              " PIPECTL_OUT=" + quoted(out) + (date.empty() ? "" : " PIPECTL_DATE=" + date) +
                              " PIPECTL_SHARDS=" +
                              std::to_string(shards) + " PIPECTL_ARGS=" + test::shell_quote(extra_args) + " ";
    return test::run_command(environment + "sbatch " + sbatch_options + " --chdir=" + quoted(folder) +
                             " --output=" + quoted(folder / "task-%A_%a.log") + " " +
                             quoted(test::source_dir() / "deploy/slurm/daily.sbatch"));
  }
};

std::string task_logs(const fs::path& folder) {
  std::string text;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().filename().string().rfind("task-", 0) != 0) continue;
    std::ifstream in(entry.path());
    text += "--- " + entry.path().filename().string() + "\n" + std::string(std::istreambuf_iterator<char>(in), {});
  }
  return text;
}

}  // namespace

TEST_CASE("a Slurm array makes every video once; re-submitted it skips; a cancelled task is completed again") {
  std::string why;
  if (!test::SlurmCluster::available(why)) {
    return test::skip(why);
  }
  test::TempDir folder("pipectl-slurm");
  test::SlurmCluster cluster(folder.path() / "cluster");
  auto handles = test::write_handle_dataset(folder.path() / "data", 24);
  fs::path list = folder.path() / "handles.txt";
  test::write_handles_file(list, handles);
  Submitter array{cluster, folder.path(), list, test::write_fixture_graph(folder.path() / "fixtures.graph", folder.path() / "data"), ""};

  // The whole array, waited for.
  fs::path out = folder.path() / "videos";
  double submitted = now_seconds();
  auto first = array.submit(out, "--wait --array=0-" + std::to_string(shards - 1) + "%" + std::to_string(shards));
  double ended = now_seconds();
  INFO(first.output << task_logs(folder.path()));
  REQUIRE(first.exit_code == 0);
  CHECK(complete_videos(out, handles) == handles.size());
  CHECK(partial_files(out).empty());
  double first_start = ended;
  std::set<std::string> started;
  for (const auto& event : all_events(out)) {
    if (test::string_field(event, "event") != "started") continue;
    started.insert(test::string_field(event, "handle"));
    auto time = cli::time_of(event);
    REQUIRE(time);
    first_start = std::min(first_start, seconds_since_epoch(*time));
  }
  CHECK(started.size() == handles.size());  // each handle ran once, in one shard
  for (int index = 0; index < shards; ++index)
    CHECK(fs::exists(out / ".pipectl" / "events" / (std::to_string(index) + "-of-" + std::to_string(shards) + ".jsonl")));
  // Measured, not asserted (a timed test would be flaky): README "Running on a cluster".
  WARN("Slurm array of " << shards << " tasks over " << handles.size() << " handles: " << first_start - submitted
                         << " s from sbatch to the first handle started, " << ended - submitted
                         << " s until sbatch --wait returned");
  auto status = test::run_command(test::shell_quote(test::pipectl_binary()) + " status --events-dir " +
                                  quoted(out / ".pipectl" / "events") + " --handles-file " + quoted(list));
  CHECK(status.exit_code == 0);
  CHECK(status.output.find("24 of 24 handles made their video") != std::string::npos);

  // Submitted again: every handle is skipped, no video is written again.
  auto before = fs::last_write_time(out / handles[0] / "2026-11-24.mp4");
  auto again = array.submit(out, "--wait --array=0-" + std::to_string(shards - 1));
  INFO(again.output << task_logs(folder.path()));
  REQUIRE(again.exit_code == 0);
  auto rerun = all_events(out);
  CHECK(rerun.size() == handles.size());
  for (const auto& event : rerun) CHECK(test::string_field(event, "event") == "skipped");
  CHECK(fs::last_write_time(out / handles[0] / "2026-11-24.mp4") == before);

  // Without PIPECTL_DATE every task shows the day before the array was submitted (UTC).
  Submitter undated = array;
  undated.date.clear();
  std::set<std::string> days{yesterday_utc()};
  fs::path dated = folder.path() / "undated";
  auto default_day = undated.submit(dated, "--wait --array=0-" + std::to_string(shards - 1));
  days.insert(yesterday_utc());  // the submission may have crossed midnight
  INFO(default_day.output << task_logs(folder.path()));
  REQUIRE(default_day.exit_code == 0);
  std::size_t started_events = 0;
  for (const auto& event : all_events(dated)) {
    if (test::string_field(event, "event") != "started") continue;
    ++started_events;
    CHECK(days.count(test::string_field(event, "date")) == 1);
  }
  CHECK(started_events == handles.size());
}

TEST_CASE("a Slurm array task cancelled mid-encode leaves no partial video; its index submitted again fills the gap") {
  std::string why;
  if (!test::SlurmCluster::available(why)) {
    return test::skip(why);
  }
  const char* plugin = std::getenv("PIPECTL_TEST_STAGES_PLUGIN");
  REQUIRE(plugin);
  test::TempDir folder("pipectl-slurm");
  test::SlurmCluster cluster(folder.path() / "cluster");
  auto handles = test::write_handle_dataset(folder.path() / "data", 24);
  fs::path list = folder.path() / "handles.txt";
  test::write_handles_file(list, handles);
  // Slow frames (0.4 s each before encode) so that a task is caught mid-encode.
  fs::path graph = test::write_fixture_graph(folder.path() / "slow.graph", folder.path() / "data",
                                             "node mark : test-slow delay=0.4s");
  Submitter array{cluster, folder.path(), list, graph, std::string("--plugin ") + plugin};

  // Cancel the task of the shard with the most handles.
  auto plan = cli::plan_shards(handles, shards);
  int cancelled = 0;
  for (int index = 1; index < shards; ++index)
    if (plan.shards[index].size() > plan.shards[cancelled].size()) cancelled = index;
  REQUIRE(plan.shards[cancelled].size() >= 3);

  fs::path out = folder.path() / "videos";
  auto submission = array.submit(out, "--parsable --array=0-" + std::to_string(shards - 1));
  INFO(submission.output);
  REQUIRE(submission.exit_code == 0);
  std::string job = submission.output.substr(0, submission.output.find_first_of(";\n"));
  std::string task = job + "_" + std::to_string(cancelled);
  fs::path events = out / ".pipectl" / "events" / (std::to_string(cancelled) + "-of-" + std::to_string(shards) + ".jsonl");

  // Mid-encode: the task's first handle has started, and a video is being written.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool encoding = false;
  while (!encoding && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!fs::exists(events)) continue;
    for (const auto& handle : plan.shards[cancelled])
      if (fs::exists(out / handle))
        for (const auto& entry : fs::directory_iterator(out / handle))
          encoding = encoding || entry.path().filename().string().find(".part-") != std::string::npos;
  }
  INFO(task_logs(folder.path()));
  REQUIRE(encoding);
  auto cancel = test::run_command(cluster.environment() + "scancel " + task);
  REQUIRE(cancel.exit_code == 0);
  // The rest of the array goes on; wait until nothing of it is left in the queue.
  auto waited = test::run_command("export " + cluster.environment() + "; for i in $(seq 600); do [ -z \"$(squeue -h -j " + job +
                                  " -o %i)\" ] && exit 0; sleep 0.2; done; exit 1");
  REQUIRE(waited.exit_code == 0);

  // The cancelled shard is not complete, and what it left has no final name.
  std::size_t made = complete_videos(out, plan.shards[cancelled]);
  CHECK(made < plan.shards[cancelled].size());
  for (int index = 0; index < shards; ++index)
    if (index != cancelled) CHECK(complete_videos(out, plan.shards[index]) == plan.shards[index].size());

  // Only that index again: it completes its shard, and removes what the killed run left.
  auto filled = array.submit(out, "--wait --array=" + std::to_string(cancelled));
  INFO(filled.output << task_logs(folder.path()));
  REQUIRE(filled.exit_code == 0);
  CHECK(complete_videos(out, handles) == handles.size());
  CHECK(partial_files(out).empty());
  auto refill = test::read_json_lines(events);
  std::size_t skipped = 0;
  for (const auto& event : refill) skipped += test::string_field(event, "event") == "skipped";
  CHECK(skipped == made);  // what was complete before the cancel was not made again
}

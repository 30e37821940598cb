// pipectl enqueue / worker / status --queue against a real Redis (redis-server on a unix socket
// in a temporary folder, started and stopped by the test): several workers share one queue;
// every handle ends with exactly one complete video; a worker killed mid-encode has its job
// finished by another; a handle that always fails lands in the dead-letter stream; a second
// enqueue of the same day is acknowledged without work; SIGTERM drains a worker; Redis going
// away and coming back loses no job. The queue's state is read with redis-cli, not pipectl.
#include <catch2/catch.hpp>

#include <signal.h>

#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "support/background_run.hpp"
#include "support/fixture_graph.hpp"
#include "support/handle_dataset.hpp"
#include "support/json_lines.hpp"
#include "support/media_probe.hpp"
#include "support/paths.hpp"
#include "support/redis_server.hpp"
#include "support/skip.hpp"

using namespace pipectl;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const std::string day = "2026-11-24";

std::string quoted(const fs::path& path) { return test::shell_quote(path.string()); }

std::string pipectl_command() { return test::shell_quote(test::pipectl_binary()); }

std::string plugin() {
  const char* path = std::getenv("PIPECTL_TEST_STAGES_PLUGIN");
  REQUIRE(path);
  return path;
}

// redis-cli's answer to `command` on the test's server (raw output, one value per line).
std::string redis_cli(const test::RedisServer& redis, const std::string& command) {
  auto result = test::run_command("redis-cli -s " + quoted(redis.socket_path()) + " --raw " + command);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return result.output;
}

long redis_number(const test::RedisServer& redis, const std::string& command) {
  return std::stol(redis_cli(redis, command));
}

// XPENDING's first line: the number of jobs delivered and not acknowledged.
long pending_jobs(const test::RedisServer& redis) {
  std::string summary = redis_cli(redis, "XPENDING jobs pipectl-workers");
  return std::stol(summary.substr(0, summary.find('\n')));
}

// The events of a worker's --events file so far.
std::vector<json::object> events_of(const fs::path& file) {
  if (!fs::exists(file)) return {};
  return test::read_json_lines(file, true);
}

std::size_t count_events(const std::vector<json::object>& events, const std::string& name,
                         const std::string& handle = "") {
  std::size_t count = 0;
  for (const auto& event : events)
    if (test::string_field(event, "event") == name && (handle.empty() || test::string_field(event, "handle") == handle))
      ++count;
  return count;
}

// Unfinished files anywhere under `out` (<video>.part-<pid>-<n>.mp4).
std::vector<fs::path> partial_files(const fs::path& out) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::recursive_directory_iterator(out))
    if (entry.path().filename().string().find(".part-") != std::string::npos) found.push_back(entry.path());
  return found;
}

// The .mp4 files under out/<handle>/.
std::size_t videos_of(const fs::path& out, const std::string& handle) {
  std::size_t count = 0;
  if (!fs::is_directory(out / handle)) return 0;
  for (const auto& entry : fs::directory_iterator(out / handle))
    if (entry.path().extension() == ".mp4") ++count;
  return count;
}

struct Fleet {
  test::TempDir folder{"pipectl-worker"};
  test::RedisServer redis;
  std::vector<std::string> handles;
  fs::path graph;
  fs::path out = folder.path() / "videos";

  // `count` handles of the stored fixture, drawn through test-slow (delay per frame) so a job
  // lasts long enough to be caught mid-encode; `always_failing` aborts at its first frame.
  Fleet(int count, const std::string& delay, const std::string& always_failing = "") {
    handles = test::write_handle_dataset(folder.path() / "data", count);
    std::string between = "node mark : test-slow delay=" + delay;
    graph = test::write_fixture_graph(folder.path() / "slow.graph", folder.path() / "data", between);
    if (!always_failing.empty()) {
      // A second graph file, where the crash stage sits after the slow one.
      std::string text = test::fixture_graph_text(folder.path() / "data", "node mark : test-crash handle=" + always_failing);
      std::ofstream(folder.path() / "crash.graph") << text;
    }
  }

  std::string queue() const { return redis.url("jobs"); }

  test::CommandResult enqueue(const std::vector<std::string>& which, const fs::path& graph_file) const {
    std::string list;
    for (const auto& handle : which) list += (list.empty() ? "" : ",") + handle;
    return test::run_command(pipectl_command() + " enqueue --queue " + test::shell_quote(queue()) + " " + quoted(graph_file) +
                             " --handles " + list + " --date " + day + " --plugin " + test::shell_quote(plugin()));
  }

  std::unique_ptr<test::BackgroundRun> worker(const std::string& name, const std::string& options) const {
    return std::make_unique<test::BackgroundRun>(
        pipectl_command() + " worker --queue " + test::shell_quote(queue()) + " --out " + quoted(out) + " --plain --events " +
            quoted(folder.path() / (name + ".jsonl")) + " --plugin " + test::shell_quote(plugin()) + " " + options,
        folder.path() / (name + ".log"));
  }
};

// Waits until `ready` holds, up to `limit`; false if it never did.
template <typename Ready>
bool wait_until(Ready ready, std::chrono::seconds limit) {
  auto until = std::chrono::steady_clock::now() + limit * test::time_scale();
  while (std::chrono::steady_clock::now() < until) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Whether the worker's events show a handle that is encoding now (encode has taken a card in
// and the handle has not finished): the handle, or "".
std::string handle_in_encode(const std::vector<json::object>& events) {
  std::map<std::string, bool> encoding;
  for (const auto& event : events) {
    std::string name = test::string_field(event, "event");
    std::string handle = test::string_field(event, "handle");
    if (name == "progress" && test::string_field(event, "node") == "encode" && event.contains("received") &&
        event.at("received").to_number<double>() > 0)
      encoding[handle] = true;
    if (name == "finished" || name == "failed") encoding.erase(handle);
  }
  return encoding.empty() ? "" : encoding.begin()->first;
}

}  // namespace

TEST_CASE("three workers share a queue: one video per handle, a killed worker's job finished by another, dead letters") {
  std::string why;
  if (!test::RedisServer::available(why)) return test::skip(why);
  Fleet fleet(12, "0.25s", "user11");
  auto enqueued = fleet.enqueue(std::vector<std::string>(fleet.handles.begin(), fleet.handles.end() - 1), fleet.graph);
  INFO(enqueued.output);
  REQUIRE(enqueued.exit_code == 0);
  // The always-failing handle's job carries the crash graph.
  auto crashing = fleet.enqueue({fleet.handles.back()}, fleet.folder.path() / "crash.graph");
  INFO(crashing.output);
  REQUIRE(crashing.exit_code == 0);
  CHECK(redis_number(fleet.redis, "XLEN jobs") == 12);

  // Jobs of a dead worker are claimed after 3 s of silence; a live one keeps its jobs.
  const std::string options = "-j 1 --retry 1 --claim-after 3s --until-empty";
  auto doomed = fleet.worker("w1", options);
  auto second = fleet.worker("w2", options);
  auto third = fleet.worker("w3", options);

  std::string caught;
  REQUIRE(wait_until([&] { return !(caught = handle_in_encode(events_of(fleet.folder.path() / "w1.jsonl"))).empty(); },
                     std::chrono::seconds(60)));
  ::kill(doomed->pid(), SIGKILL);
  CHECK(doomed->wait() == 128 + SIGKILL);

  // The worker that ran the always-failing handle (both attempts: retries go first) exits 1.
  const int second_code = second->wait(), third_code = third->wait();
  INFO(second->output() << third->output());
  CHECK(std::min(second_code, third_code) == 0);
  CHECK(std::max(second_code, third_code) == 1);
  auto events = events_of(fleet.folder.path() / "w2.jsonl");
  auto more = events_of(fleet.folder.path() / "w3.jsonl");
  events.insert(events.end(), more.begin(), more.end());

  // Every handle but the failing one has exactly one complete video, and nothing unfinished.
  for (std::size_t i = 0; i + 1 < fleet.handles.size(); ++i) {
    const std::string& handle = fleet.handles[i];
    INFO(handle);
    CHECK(videos_of(fleet.out, handle) == 1);
    auto probe = test::probe_video(fleet.out / handle / (day + ".mp4"));
    CHECK(probe.frames == 4 * 30);
  }
  CHECK(videos_of(fleet.out, fleet.handles.back()) == 0);
  CHECK(partial_files(fleet.out).empty());

  // The killed worker's job was taken over: its handle started again elsewhere, as a second attempt.
  bool taken_over = false;
  for (const auto& event : events)
    if (test::string_field(event, "event") == "started" && test::string_field(event, "handle") == caught &&
        event.at("attempt").to_number<double>() >= 2)
      taken_over = true;
  CHECK(taken_over);
  CHECK(count_events(events, "finished", caught) == 1);

  // The queue: nothing pending, the failing handle dead-lettered once with its error.
  CHECK(pending_jobs(fleet.redis) == 0);
  CHECK(redis_number(fleet.redis, "XLEN jobs:dead") == 1);
  std::string letter = redis_cli(fleet.redis, "XRANGE jobs:dead - +");
  CHECK(letter.find(fleet.handles.back()) != std::string::npos);
  CHECK(letter.find("SIGABRT") != std::string::npos);
  CHECK(count_events(events, "started", fleet.handles.back()) == 2);  // --retry 1: two attempts
  CHECK(redis_number(fleet.redis, "XLEN jobs:events") > 0);

  // One view of the fleet from the events stream.
  auto status = test::run_command(pipectl_command() + " status --queue " + test::shell_quote(fleet.queue()));
  INFO(status.output);
  CHECK(status.exit_code == 1);
  CHECK(status.output.find("11 of 12 handles made their video") != std::string::npos);
  CHECK(status.output.find("0 waiting, 0 with workers, 1 dead-lettered") != std::string::npos);

  // The same day enqueued again: acknowledged without work, no video written again.
  auto before = fs::last_write_time(fleet.out / fleet.handles[0] / (day + ".mp4"));
  auto again = fleet.enqueue(std::vector<std::string>(fleet.handles.begin(), fleet.handles.end() - 1), fleet.graph);
  REQUIRE(again.exit_code == 0);
  auto rerun = fleet.worker("w4", "-j 2 --until-empty");
  INFO(rerun->output());
  CHECK(rerun->wait() == 0);
  auto rerun_events = events_of(fleet.folder.path() / "w4.jsonl");
  CHECK(count_events(rerun_events, "skipped") == 11);
  CHECK(count_events(rerun_events, "started") == 0);
  CHECK(fs::last_write_time(fleet.out / fleet.handles[0] / (day + ".mp4")) == before);
  CHECK(pending_jobs(fleet.redis) == 0);
}

TEST_CASE("SIGTERM drains a worker: it finishes its job, takes no more, and the rest stay queued") {
  std::string why;
  if (!test::RedisServer::available(why)) return test::skip(why);
  Fleet fleet(4, "0.3s");
  REQUIRE(fleet.enqueue(fleet.handles, fleet.graph).exit_code == 0);
  auto worker = fleet.worker("w", "-j 1");
  REQUIRE(wait_until([&] { return count_events(events_of(fleet.folder.path() / "w.jsonl"), "started") > 0; },
                     std::chrono::seconds(30)));
  ::kill(worker->pid(), SIGTERM);
  INFO(worker->output());
  CHECK(worker->wait() == 0);
  auto events = events_of(fleet.folder.path() / "w.jsonl");
  CHECK(count_events(events, "started") == 1);
  CHECK(count_events(events, "finished") == 1);
  CHECK(worker->output().find("stopped by SIGTERM") != std::string::npos);
  CHECK(pending_jobs(fleet.redis) == 0);  // its one job acknowledged
  std::string groups = redis_cli(fleet.redis, "XINFO GROUPS jobs");
  // The other three were never delivered: the group's lag says so.
  CHECK(groups.find("lag\n3") != std::string::npos);
}

TEST_CASE("a job running longer than --claim-after stays with its live worker") {
  std::string why;
  if (!test::RedisServer::available(why)) return test::skip(why);
  Fleet fleet(1, "1s");  // 4 cards of 1 s each: twice the claim time
  REQUIRE(fleet.enqueue(fleet.handles, fleet.graph).exit_code == 0);
  auto first = fleet.worker("w1", "-j 1 --claim-after 2s --until-empty");
  REQUIRE(wait_until([&] { return count_events(events_of(fleet.folder.path() / "w1.jsonl"), "started") > 0; },
                     std::chrono::seconds(30)));
  auto second = fleet.worker("w2", "-j 1 --claim-after 2s --until-empty");
  INFO(first->output() << second->output());
  CHECK(first->wait() == 0);
  CHECK(second->wait() == 0);
  CHECK(count_events(events_of(fleet.folder.path() / "w2.jsonl"), "started") == 0);  // never taken over
  CHECK(count_events(events_of(fleet.folder.path() / "w1.jsonl"), "finished") == 1);
  CHECK(pending_jobs(fleet.redis) == 0);
}

TEST_CASE("Redis going away and coming back loses no job") {
  std::string why;
  if (!test::RedisServer::available(why)) return test::skip(why);
  Fleet fleet(6, "0.2s");
  REQUIRE(fleet.enqueue(fleet.handles, fleet.graph).exit_code == 0);
  auto worker = fleet.worker("w", "-j 2 --until-empty");
  REQUIRE(wait_until([&] { return count_events(events_of(fleet.folder.path() / "w.jsonl"), "finished") > 0; },
                     std::chrono::seconds(60)));
  fleet.redis.stop();
  // Down until another job has finished: its acknowledgement cannot go, whatever the speed of
  // this build, so the worker must hold it and send it once Redis is back.
  const std::size_t finished = count_events(events_of(fleet.folder.path() / "w.jsonl"), "finished");
  REQUIRE(wait_until([&] { return count_events(events_of(fleet.folder.path() / "w.jsonl"), "finished") > finished; },
                     std::chrono::seconds(60)));
  // Longer than a call bridges a lost connection (the worker's 500 ms) after that job's ack.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500) * test::time_scale());
  fleet.redis.restart();
  INFO(worker->output());
  CHECK(worker->wait() == 0);
  for (const auto& handle : fleet.handles) CHECK(videos_of(fleet.out, handle) == 1);
  CHECK(pending_jobs(fleet.redis) == 0);
  CHECK(worker->output().find("answers again") != std::string::npos);
}

TEST_CASE("a queue that cannot be reached is a clear error at start") {
  test::TempDir folder("pipectl-worker");
  auto missing = test::run_command(pipectl_command() + " worker --queue unix://" + folder.path().string() +
                                   "/none.sock?stream=jobs --out " + quoted(folder.path() / "out"));
  INFO(missing.output);
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("none.sock") != std::string::npos);
  auto refused = test::run_command(pipectl_command() + " enqueue --queue redis://127.0.0.1:1/jobs " +
                                   quoted(test::source_dir() / "graphs/demo.graph") + " --handles a");
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("redis://127.0.0.1:1/jobs") != std::string::npos);
  auto bad = test::run_command(pipectl_command() + " worker --queue http://example/jobs");
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("--queue") != std::string::npos);
}

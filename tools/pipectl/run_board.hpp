// What the supervisor knows of a run, built from the handles' events: each handle's state,
// stage and counts, its outputs once finished. The terminal view, the status page
// (/status.json) and the final summary all read it. Thread-safe: the status server reads it
// from its own thread while the supervisor applies events.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pipectl::cli {

enum class HandleState { queued, running, done, failed, skipped };

// "queued", "running", "done", "failed", "skipped".
const char* state_name(HandleState state);

struct NodeStatus {
  std::string node;
  std::string stage;
  std::uint64_t received = 0;
  std::uint64_t emitted = 0;
  std::optional<std::uint64_t> expected;  // what a source said it will send
  bool done = false;
};

struct HandleStatus {
  std::string handle;
  HandleState state = HandleState::queued;
  int attempt = 0;            // 1 for the first run, 2 for the first retry...
  std::int64_t pid = 0;
  std::string worker;         // the worker running it (pipectl worker's host-pid), or its host
  std::vector<NodeStatus> nodes;  // in the graph's topological order (sources first)
  std::string waiting;        // what the handle waits for now (a rate limit), or ""
  std::string waiting_node;   // the node that waits: its next progress ends the wait
  std::chrono::steady_clock::time_point started_at{};
  double seconds = 0;         // wall time of the attempt, once it ended
  std::uint64_t posts = 0;
  std::uint64_t cards = 0;
  double video_seconds = 0;
  std::vector<std::string> outputs;  // the videos, once finished (or found complete: skipped)
  std::string error;          // why it failed, naming the stage
  std::size_t warnings = 0;
  std::map<std::string, std::size_t> warning_kinds;  // warnings by kind (pipectl/warn.hpp)

  // The first node that has not finished ("fetch", "render", ...), or "" when all have.
  std::string stage() const;
  // The posts the video will hold: the furthest count a node announced (a source, or a filter
  // once it knows what it keeps), else the source's count once done; nothing while unknown.
  std::optional<std::uint64_t> total() const;
  // Items through the last node over total(), 0 to 1; 0 while the total is unknown.
  double fraction() const;
  // "render 4/10", "fetch 20", "waiting: rate limit (12 s)", "" when not running.
  std::string activity() const;
};

// "2 posts with bad entities, 1 picture not loaded": a handle's warnings counted by kind.
std::string warnings_text(const std::map<std::string, std::size_t>& kinds);

struct StateCounts {
  std::size_t queued = 0, running = 0, done = 0, failed = 0, skipped = 0;
};

// What a queue says of itself (pipectl status --queue): jobs not yet delivered to any worker
// (the group's lag), delivered and not acknowledged (pending), and in the dead-letter stream.
struct FleetCounts {
  std::string queue;  // the queue's address, for the page
  std::int64_t queued = 0;
  std::int64_t pending = 0;
  std::int64_t dead = 0;
};

class RunBoard {
 public:
  RunBoard(std::string graph_path, std::string date, std::string tz, const std::vector<std::string>& handles);

  // One event of the handle at `index` (started, progress, waiting, warning, finished,
  // failed, retrying, skipped).
  void apply(std::size_t index, const boost::json::object& event);
  // The index of `handle`, added as queued when the board does not know it yet (pipectl status
  // learns the handles of an array from its events).
  std::size_t index_of(const std::string& handle);
  // What the run is (pipectl status learns it from the first started event).
  void describe_run(std::string graph_path, std::string date, std::string tz);
  // The queue's own counts, shown beside the handles' (status --queue).
  void set_fleet(FleetCounts fleet);
  // The handles running per worker.
  std::map<std::string, std::size_t> running_per_worker() const;
  // The run is over (or interrupted): the status page says so.
  void set_over(bool interrupted);

  std::vector<HandleStatus> handles() const;
  HandleStatus handle(std::size_t index) const;
  std::size_t handle_count() const;
  StateCounts counts() const;
  double elapsed_seconds() const;
  // The body of /status.json (see the README).
  boost::json::object status_json() const;
  // The file of output `output` of a handle that is done or skipped; nothing otherwise.
  std::optional<std::string> video_file(const std::string& handle, std::size_t output) const;

 private:
  double elapsed_locked() const;  // caller holds mutex_

  mutable std::mutex mutex_;
  std::string graph_path_, date_, tz_;
  std::chrono::steady_clock::time_point started_at_;
  std::chrono::steady_clock::time_point over_at_{};  // elapsed time stops here once over
  std::vector<HandleStatus> handles_;
  std::unordered_map<std::string, std::size_t> index_;  // handle -> its place in handles_
  bool over_ = false;
  bool interrupted_ = false;
  std::optional<FleetCounts> fleet_;
};

}  // namespace pipectl::cli

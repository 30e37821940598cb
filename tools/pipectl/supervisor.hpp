// The supervisor of `pipectl run`: one child process per handle, at most `jobs` at a time,
// reporting to the parent as JSON lines over a pipe (events.hpp). The parent keeps the run's
// state (run_board.hpp), shows it (terminal_view.hpp, the status page), writes every event to
// the --events file, stops handles that run past --timeout and retries failed ones. With
// fork = false the handles run one after the other in this process and report the same events.
#pragma once

#include <atomic>
#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pipectl/graph.hpp"
#include "pipectl/registry.hpp"
#include "s3_store.hpp"

namespace pipectl::cli {

class JobSource;

// How a run (or a worker) goes: its settings. The jobs come from a JobSource (job.hpp).
struct RunPlan {
  const Graph* graph = nullptr;  // run's graph, for the process set-up; nullptr for a worker (each job has its own)
  const Registry* registry = nullptr;
  std::string graph_path;  // as given, for the progress lines
  std::string date;
  std::string tz;
  std::string out;
  std::vector<std::string> handles;  // this run's (this shard's) handles; empty for a worker
  std::string shard_name;       // "2-of-8" under --shard; empty otherwise
  std::string shard_line;       // what is said first of the shard ("shard 2 of 8 (...): 12 of 100 handles")
  int jobs = 1;                 // children at a time (>= 1)
  bool fork = true;             // false: --no-fork, in this process
  std::string events_path;      // --events FILE; empty: none
  double timeout_seconds = 0;   // --timeout: a handle's attempt is stopped after this; 0: never
  int retries = 0;              // --retry N: a failed handle runs again up to N more times
  int api_concurrency = 4;      // --api-concurrency: X API calls at once across all handles
  bool force = false;           // --force: remake videos that are already complete
  int status_port = -1;         // --status-port; -1: no status page, 0: any free port
  std::string status_bind = "127.0.0.1";
  std::string title;            // the live view's first line; empty: "pipectl run GRAPH DATE (ZONE)"
  bool live_view = false;       // redraw a live view (stdout is a terminal) instead of log lines
  std::optional<S3Location> s3;  // --out s3://...: outputs are uploaded there; `out` is then the staging folder
  std::string notify_url;       // --notify URL: POST each job's outcome there
  bool drain_on_sigterm = false;  // a worker: SIGTERM finishes the running jobs and takes no more
  std::string command = "run";  // for messages: "run", "worker"
  // Called with every event, after the events file (a worker's events stream); may be empty.
  std::function<void(const boost::json::object&)> publish_event;
};

// Set by SIGINT and SIGTERM once catch_interrupts() has installed the handler.
extern std::atomic<bool> interrupted;
void catch_interrupts();
// Set by SIGTERM once catch_drain() has installed its handlers (a worker): SIGINT still sets
// `interrupted`.
extern std::atomic<bool> draining;
void catch_drain();

// Default for -j: the number of cores (at least 1).
int default_jobs();

// Runs every job of `source` and prints the summary; returns the exit code (0, 1, 2 when the
// events file cannot be written or the status page cannot listen, 130).
int supervise(const RunPlan& plan, JobSource& source);

}  // namespace pipectl::cli

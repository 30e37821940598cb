// The supervisor of `pipectl run`: one child process per handle, at most `jobs` at a time,
// reporting to the parent as JSON lines over a pipe (events.hpp). The parent keeps the run's
// state (run_board.hpp), shows it (terminal_view.hpp, the status page), writes every event to
// the --events file, stops handles that run past --timeout and retries failed ones. With
// fork = false the handles run one after the other in this process and report the same events.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "pipectl/graph.hpp"
#include "pipectl/registry.hpp"

namespace pipectl::cli {

struct RunPlan {
  const Graph* graph = nullptr;
  const Registry* registry = nullptr;
  std::string graph_path;  // as given, for the progress lines
  std::string date;
  std::string tz;
  std::string out;
  std::vector<std::string> handles;  // this run's (this shard's) handles
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
};

// Set by SIGINT and SIGTERM once catch_interrupts() has installed the handler.
extern std::atomic<bool> interrupted;
void catch_interrupts();

// Default for -j: the number of cores (at least 1).
int default_jobs();

// Runs every handle and prints the summary; returns the exit code (0, 1, 2 when the events
// file cannot be written or the status page cannot listen, 130).
int supervise(const RunPlan& plan);

}  // namespace pipectl::cli

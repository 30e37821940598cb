// The supervisor of `pipectl run`: one child process per handle, at most `jobs` at a time,
// reporting to the parent as JSON lines over a pipe; the parent prints the progress lines and
// the summary, and writes every event to the --events file. With fork = false the handles run
// one after the other in this process and report the same events.
#pragma once

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
  std::vector<std::string> handles;
  int jobs = 1;             // children at a time (>= 1)
  bool fork = true;         // false: --no-fork, in this process
  std::string events_path;  // --events FILE; empty: none
};

// Default for -j: cores - 1, at least 1.
int default_jobs();

// Runs every handle and prints the summary; returns the exit code (0, 1, 2 when the events
// file cannot be written, 130).
int supervise(const RunPlan& plan);

}  // namespace pipectl::cli

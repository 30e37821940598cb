// Runs one instance of a graph for one handle on a Boost.Asio thread pool: creates its stages,
// sends items along the edges (serial stages on a strand each, parallel stages on the whole
// pool), and reports skipped items and the stage that failed, if one did.
//
// Memory stays bounded however long the input: every item a source emits takes one of
// `max_in_flight` tickets, and gives it back only when every item derived from it downstream
// is gone (processed, or released by the stage that kept it); a source waits for a free
// ticket. Only sources wait, so the pool's threads never block on each other. When sources
// wait and no work is left, the stages holding items are asked to release them
// (Stage::release_held). Items a stage sends from finish() (it kept what it received, as
// filter does) take tickets too: they wait in line and go on one per ticket given back, in the
// order sent; when no work is left at all, the first of them goes on regardless.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipectl/graph.hpp"
#include "pipectl/registry.hpp"
#include "pipectl/stage.hpp"

namespace pipectl {

struct RunResult {
  bool ok = false;
  bool cancelled = false;   // stopped because RunOptions::cancel was set
  std::string failed_node;  // empty when ok
  std::string error;        // why it failed
  std::vector<std::string> warnings;  // items skipped or downgraded, "node: message"
};

// How far one node of the graph has got, for progress displays.
struct NodeProgress {
  std::string node;         // the node's name in the graph
  std::string stage;        // its stage type
  size_t position = 0;      // its place in the graph's topological order (sources first)
  std::uint64_t received = 0;  // items it has processed (sources: 0)
  std::uint64_t emitted = 0;   // items it has sent on
  std::optional<std::uint64_t> expected;  // items it said it will send (RunContext::expect_items)
  bool done = false;        // it has finished: nothing more will come out of it
};

struct RunOptions {
  RunContext context;  // variables (handle, date, tz, ...), out_dir; `warn` is filled by the executor
  // Overrides for run variables beyond those in `context` (and the graph's `set` defaults).
  std::map<std::string, std::string> variables;
  // Called as each warning happens, with its kind (for live output and counts); warnings are
  // also in RunResult.
  Warn on_warning;
  // Called once for every node when the run starts (in topological order, all counts zero),
  // then after each item a node processes or sends on, and when it finishes. Called from the
  // pool's threads, possibly at the same time: it must be thread-safe, and quick.
  std::function<void(const NodeProgress&)> on_progress;
  // Called when a stage announces a wait (RunContext::notify_wait): its node, why, how long.
  std::function<void(const std::string& node, const std::string& reason, double seconds)> on_wait;
  // When set (from a signal handler, say), the run stops at the next item and every stage
  // aborts, removing its temporary files.
  const std::atomic<bool>* cancel = nullptr;
  int threads = 0;        // pool threads, and RunContext::threads; 0: one per core
  int max_in_flight = 0;  // items from sources not yet fully processed; 0: 2 per thread
};

// The parameters of `node` with defaults filled in and variables substituted.
// Throws GraphError when a value is invalid after substitution.
Params resolve_params(const Graph& graph, const Node& node, const StageInfo& info,
                      const std::map<std::string, std::string>& variables);

// The variables a run binds: the graph's `set` defaults, then the context's variables (and
// `out` from its out_dir), then explicit overrides.
std::map<std::string, std::string> run_variables(const Graph& graph, const RunOptions& options);

// The graph must have passed check_graph. Never throws for stage failures: they are in the result.
RunResult run_graph(const Graph& graph, const Registry& registry, const RunOptions& options);

}  // namespace pipectl

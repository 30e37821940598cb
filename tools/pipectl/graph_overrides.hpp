// `--set NODE.PARAM=VALUE`, the same for every command that reads a graph (run, check, dot):
// the options, their help, and loading a graph with them applied before it is checked.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pipectl/graph.hpp"
#include "pipectl/registry.hpp"

namespace pipectl::cli {

// Moves every "--set NODE.PARAM=VALUE" and "--set=NODE.PARAM=VALUE" out of `args` into `sets`,
// in order. Returns an error message ("--set needs NODE.PARAM=VALUE"), or empty when usable.
std::string take_set_options(std::vector<std::string>& args, std::vector<std::string>& sets);

// The help text for --set, the same for every command.
extern const char* const set_help;

// The graph at `path` with `sets` applied in order (a later --set of the same parameter wins),
// then checked: nullopt after printing every problem to stderr. A problem with a --set is
// named by the option itself ("--set render.card=soon: error: ...").
std::optional<Graph> load_checked_graph_with_sets(const std::string& path, const Registry& registry,
                                                  const std::vector<std::string>& sets);

}  // namespace pipectl::cli

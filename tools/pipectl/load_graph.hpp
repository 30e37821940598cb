// What every command that reads a graph does first: load the stages, parse, check.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipectl/graph.hpp"
#include "pipectl/registry.hpp"

namespace pipectl::cli {

// The registry with every built-in stage only (no plugins).
Registry make_registry();

// The built-in stages, then the plugins PIPECTL_PLUGIN_PATH names, then `plugin_files` (the
// command's --plugin options) in order; a file named twice is loaded once. nullopt after
// printing every plugin that could not be loaded to stderr: the command then exits with
// exit_usage, nothing having run.
std::optional<Registry> make_registry(const std::vector<std::string>& plugin_files);

// Moves every "--plugin FILE" and "--plugin=FILE" out of `args` into `plugin_files`. Returns an
// error message ("--plugin needs a file"), or empty when the options are usable.
std::string take_plugin_options(std::vector<std::string>& args, std::vector<std::string>& plugin_files);

// The help text for --plugin and PIPECTL_PLUGIN_PATH, the same for every command.
extern const char* const plugin_help;

// Moves every "--set NODE.PARAM=VALUE" and "--set=NODE.PARAM=VALUE" out of `args` into `sets`,
// in order. Returns an error message ("--set needs NODE.PARAM=VALUE"), or empty when usable.
std::string take_set_options(std::vector<std::string>& args, std::vector<std::string>& sets);

// The help text for --set, the same for every command.
extern const char* const set_help;

// The graph at `path` with `sets` applied in order (a later --set of the same parameter wins),
// then checked; nullopt after printing every problem to stderr. A problem with a --set is
// named by the option itself ("--set render.card=soon: error: ...").
// `variables_for` gives the variables the run will define, once the graph's `set` lines are
// known; by default the stand-ins of `pipectl check` (stand_in_run_variables).
using RunVariablesFor = std::function<std::map<std::string, std::string>(const Graph&)>;
std::optional<Graph> load_checked_graph(const std::string& path, const Registry& registry,
                                        const std::vector<std::string>& sets = {},
                                        const RunVariablesFor& variables_for = {});

// The day a run (or an enqueued job) shows: --date when given, else the graph's `set date`,
// else yesterday in UTC.
std::string day_to_show(const std::string& date_option, const Graph& graph);

}  // namespace pipectl::cli

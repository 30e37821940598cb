// What every command that reads a graph does first: load the stages, parse, check.
#pragma once

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

// The parsed graph, or nullopt after printing every problem to stderr.
std::optional<Graph> load_checked_graph(const std::string& path, const Registry& registry);

}  // namespace pipectl::cli

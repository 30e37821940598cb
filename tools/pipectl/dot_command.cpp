// pipectl dot: the graph as Graphviz DOT, for `pipectl dot GRAPH | dot -Tsvg > graph.svg`.
#include <iostream>

#include "commands.hpp"
#include "load_graph.hpp"
#include "pipectl/dot.hpp"

namespace pipectl::cli {

int dot_command(const std::vector<std::string>& given) {
  for (const auto& arg : given)
    if (arg == "--help" || arg == "-h") {
      std::cout << "Usage: pipectl dot GRAPH [--set NODE.PARAM=VALUE]... [--plugin FILE]...\n\n"
                   "Reads the graph file, checks it, and writes it as Graphviz DOT on stdout: a box per\n"
                   "node with its stage and the parameters that differ from their defaults, an arrow per\n"
                   "edge with the item type it carries. The output is the same for the same graph.\n\n"
                   "  pipectl dot graphs/demo.graph | dot -Tsvg > graph.svg\n\n"
                << set_help << plugin_help
                << "\nReads: the graph file and the plugins. Writes: DOT on stdout, problems on stderr.\n"
                   "Exit codes: 0 the DOT was written, 2 the graph has problems, bad usage, or a plugin\n"
                   "could not be loaded (nothing written on stdout).\n";
      return exit_ok;
    }
  std::vector<std::string> args = given;
  std::vector<std::string> plugins;
  std::vector<std::string> sets;
  std::string problem = take_plugin_options(args, plugins);
  if (problem.empty()) problem = take_set_options(args, sets);
  for (const auto& arg : args)
    if (problem.empty() && arg.size() > 1 && arg[0] == '-') problem = "unknown option '" + arg + "'";
  if (problem.empty() && args.size() != 1) problem = "give exactly one graph file";
  if (!problem.empty()) {
    std::cerr << "pipectl dot: " << problem << " (see pipectl dot --help)\n";
    return exit_usage;
  }
  auto registry = make_registry(plugins);
  if (!registry) return exit_usage;
  auto graph = load_checked_graph(args[0], *registry, sets);
  if (!graph) return exit_usage;
  std::cout << to_dot(*graph, *registry);
  return exit_ok;
}

}  // namespace pipectl::cli

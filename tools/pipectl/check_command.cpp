#include <iostream>

#include "commands.hpp"
#include "load_graph.hpp"

namespace pipectl::cli {

int check_command(const std::vector<std::string>& given) {
  for (const auto& arg : given)
    if (arg == "--help" || arg == "-h") {
      std::cout << "Usage: pipectl check GRAPH [--set NODE.PARAM=VALUE]... [--plugin FILE]...\n\n"
                   "Reads the graph file and reports every problem as file:line:column. Writes nothing.\n\n"
                << set_help << plugin_help
                << "\nExit codes: 0 the graph is sound, 2 it has problems (or bad usage, or a plugin\n"
                   "could not be loaded).\n";
      return exit_ok;
    }
  std::vector<std::string> args = given;
  std::vector<std::string> plugins;
  if (auto problem = take_plugin_options(args, plugins); !problem.empty()) {
    std::cerr << "pipectl check: " << problem << " (see pipectl check --help)\n";
    return exit_usage;
  }
  std::vector<std::string> sets;
  if (auto problem = take_set_options(args, sets); !problem.empty()) {
    std::cerr << "pipectl check: " << problem << " (see pipectl check --help)\n";
    return exit_usage;
  }
  if (args.size() != 1) {
    std::cerr << "pipectl check: give exactly one graph file (see pipectl check --help)\n";
    return exit_usage;
  }
  auto registry = make_registry(plugins);
  if (!registry) return exit_usage;
  auto graph = load_checked_graph(args[0], *registry, sets);
  if (!graph) return exit_usage;
  std::cout << args[0] << ": ok, " << graph->nodes.size() << " nodes, " << graph->edges.size() << " edges\n";
  return exit_ok;
}

}  // namespace pipectl::cli

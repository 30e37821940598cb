#include <iostream>

#include "commands.hpp"
#include "load_graph.hpp"

namespace pipectl::cli {

int check_command(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "Usage: pipectl check GRAPH\n\n"
                 "Reads the graph file and reports every problem as file:line:column. Writes nothing.\n"
                 "Exit codes: 0 the graph is sound, 2 it has problems (or bad usage).\n";
    return exit_ok;
  }
  if (args.size() != 1) {
    std::cerr << "pipectl check: give exactly one graph file (see pipectl check --help)\n";
    return exit_usage;
  }
  Registry registry = make_registry();
  auto graph = load_checked_graph(args[0], registry);
  if (!graph) return exit_usage;
  std::cout << args[0] << ": ok, " << graph->nodes.size() << " nodes, " << graph->edges.size() << " edges\n";
  return exit_ok;
}

}  // namespace pipectl::cli

#include "load_graph.hpp"

#include <iostream>

#include "builtin.hpp"

namespace pipectl::cli {

Registry make_registry() {
  Registry registry;
  register_builtin_stages(registry);
  return registry;
}

std::optional<Graph> load_checked_graph(const std::string& path, const Registry& registry) {
  try {
    Graph graph = parse_graph_file(path);
    auto problems = check_graph(graph, registry);
    for (const auto& problem : problems) std::cerr << problem << '\n';
    if (!problems.empty()) return std::nullopt;
    return graph;
  } catch (const GraphError& error) {
    std::cerr << error.what() << '\n';
    return std::nullopt;
  }
}

}  // namespace pipectl::cli

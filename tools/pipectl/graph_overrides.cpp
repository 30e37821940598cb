#include "graph_overrides.hpp"

#include <iostream>

namespace pipectl::cli {

const char* const set_help =
    "  --set NODE.PARAM=VALUE  override a parameter of a node before the graph is checked, e.g.\n"
    "                    --set render.card=2s; may be given several times (the last one wins);\n"
    "                    VALUE is taken as is, a list is written '[a, b, \"c d\"]'\n";

std::string take_set_options(std::vector<std::string>& args, std::vector<std::string>& sets) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--set") {
      if (i + 1 >= args.size()) return "--set needs NODE.PARAM=VALUE";
      sets.push_back(args[++i]);
    } else if (arg.starts_with("--set=")) {
      sets.push_back(arg.substr(6));
    } else {
      rest.push_back(arg);
    }
  }
  args = std::move(rest);
  return {};
}

std::optional<Graph> load_checked_graph_with_sets(const std::string& path, const Registry& registry,
                                                  const std::vector<std::string>& sets) {
  try {
    Graph graph = parse_graph_file(path);
    apply_overrides(graph, sets);
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

// The graph language: reader (parse_graph_text), --set overrides, the checker against the
// built-in stages, variable substitution and the dot writer. Input: a graph file's text, then
// optionally a NUL and --set options (NODE.PARAM=VALUE), one a line.
#include <cstddef>
#include <cstdint>
#include <string>

#include "builtin.hpp"
#include "fuzz_input.hpp"
#include "pipectl/dot.hpp"
#include "pipectl/graph.hpp"

namespace {

const pipectl::Registry& registry() {
  static const pipectl::Registry stages = [] {
    pipectl::Registry made;
    pipectl::register_builtin_stages(made);
    return made;
  }();
  return stages;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pipectl;
  auto parts = fuzz::split(fuzz::as_text(data, size));
  try {
    Graph graph = parse_graph_text(std::string(parts[0]), "fuzz.graph");
    if (parts.size() > 1) {
      std::vector<std::string> sets;
      for (auto line : fuzz::split(parts[1], "\n")) sets.emplace_back(line);
      apply_overrides(graph, sets);
    }
    auto errors = check_graph(graph, registry());
    for (const auto& node : graph.nodes)
      for (const auto& [name, value] : node.params) (void)substitute_variables(value.text, graph.variables);
    if (errors.empty()) (void)to_dot(graph, registry());
  } catch (const GraphError&) {
    // A malformed graph or --set option: the expected outcome for most inputs.
  }
  return 0;
}

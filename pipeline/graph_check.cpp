// The checks a graph passes before it runs: every name resolves, every value fits its
// parameter, every edge joins ports of the same item type, every input is fed, no cycles.
#include <algorithm>
#include <functional>
#include <set>

#include "pipectl/graph.hpp"
#include "pipectl/node_values.hpp"

namespace pipectl {

namespace {

std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  std::string nearest = nearest_name(word, candidates);
  return nearest.empty() ? "" : " (did you mean '" + nearest + "'?)";
}

std::vector<std::string> port_names(const std::vector<PortSpec>& ports) {
  std::vector<std::string> names;
  for (const auto& port : ports) names.push_back(port.name);
  return names;
}

// The port an edge end refers to, or nullptr after reporting why there is none.
const PortSpec* resolve_port(const Graph& graph, const Edge& edge, const Node& node,
                             const std::vector<PortSpec>& ports, const std::string& port,
                             const char* direction, std::vector<std::string>& errors) {
  if (ports.empty()) {
    errors.push_back(format_graph_error(graph, edge.location,
        "node '" + node.name + "' (stage " + node.stage + ") has no " + direction + " port"));
    return nullptr;
  }
  if (port.empty()) {
    if (ports.size() == 1) return &ports.front();
    errors.push_back(format_graph_error(graph, edge.location,
        "node '" + node.name + "' has several " + direction + " ports: name one, e.g. " + node.name +
            "." + ports.front().name));
    return nullptr;
  }
  for (const auto& candidate : ports)
    if (candidate.name == port) return &candidate;
  errors.push_back(format_graph_error(graph, edge.location,
      "node '" + node.name + "' has no " + direction + " port '" + port + "'" +
          suggestion(port, port_names(ports))));
  return nullptr;
}

}  // namespace

std::vector<std::string> check_graph(const Graph& graph, const Registry& registry,
                                     const std::map<std::string, std::string>& run_variables) {
  std::vector<std::string> errors;
  const auto variables = merge_variables(graph, run_variables);
  const RunContext context = check_context(graph, variables);
  std::vector<std::string> node_names;
  for (const auto& node : graph.nodes) node_names.push_back(node.name);

  for (const auto& node : graph.nodes) {
    const StageInfo* info = registry.find(node.stage);
    if (!info) {
      errors.push_back(format_graph_error(graph, node.stage_location,
          "unknown stage '" + node.stage + "'" + suggestion(node.stage, registry.names()) +
              "; 'pipectl stages' lists the known ones. A plugin's stage needs its plugin loaded: "
              "give --plugin FILE, or name the file or its folder in PIPECTL_PLUGIN_PATH"));
      continue;
    }
    std::vector<std::string> param_names;
    for (const auto& spec : info->params) param_names.push_back(spec.name);
    bool names_known = true;
    for (const auto& [key, value] : node.params) {
      if (std::find(param_names.begin(), param_names.end(), key) == param_names.end()) {
        errors.push_back(format_graph_error(graph, value.location,
            "stage '" + node.stage + "' has no parameter '" + key + "'" + suggestion(key, param_names)));
        names_known = false;
      }
    }
    for (const auto& spec : info->params)
      if (spec.required && !node.params.count(spec.name))
        errors.push_back(format_graph_error(graph, node.location,
            "node '" + node.name + "' must set parameter '" + spec.name + "' (" + spec.doc + ")"));
    // Every value as the run will see it: substituted, of its type, then the stage's own rules
    // (ranges across parameters, choices, paths), exactly what create() will check again.
    NodeValues values = node_values(graph, node, *info, variables);
    for (const auto& problem : values.problems) errors.push_back(format_graph_error(graph, problem.location, problem.message));
    if (!values.problems.empty() || !names_known || !info->check) continue;
    for (const auto& problem : info->check(Params(values.values), context)) {
      auto given = node.params.find(problem.param);
      const SourceLocation& where = given != node.params.end() ? given->second.location : node.location;
      std::string subject = problem.param.empty() ? "node '" + node.name + "'" : problem.param;
      errors.push_back(format_graph_error(graph, where, subject + ": " + problem.message));
    }
  }

  std::map<std::string, std::set<std::string>> fed_inputs;  // node -> input ports with an edge
  std::map<std::string, std::vector<std::string>> successors;
  for (const auto& edge : graph.edges) {
    const Node* from = graph.find(edge.from);
    const Node* to = graph.find(edge.to);
    for (const auto& [name, node] : {std::pair{edge.from, from}, std::pair{edge.to, to}}) {
      if (!node)
        errors.push_back(format_graph_error(graph, edge.location,
            "unknown node '" + name + "'" + suggestion(name, node_names)));
    }
    if (from && to) successors[edge.from].push_back(edge.to);
    // Each end is resolved on its own: an end at an unknown node, at a node of an unknown stage
    // or naming no port is reported once, and the other end still counts as connected, so one
    // mistake makes one error (not also "input ... is not connected" downstream).
    const StageInfo* from_info = from ? registry.find(from->stage) : nullptr;
    const StageInfo* to_info = to ? registry.find(to->stage) : nullptr;
    const PortSpec* out =
        from_info ? resolve_port(graph, edge, *from, from_info->outputs, edge.from_port, "output", errors) : nullptr;
    const PortSpec* in =
        to_info ? resolve_port(graph, edge, *to, to_info->inputs, edge.to_port, "input", errors) : nullptr;
    if (out && in && out->item_type != in->item_type)
      errors.push_back(format_graph_error(graph, edge.location,
          "'" + edge.from + "." + out->name + "' gives " + out->item_type + " items but '" + edge.to +
              "." + in->name + "' takes " + in->item_type + " items"));
    if (in && !fed_inputs[edge.to].insert(in->name).second)
      errors.push_back(format_graph_error(graph, edge.location,
          "input '" + edge.to + "." + in->name + "' is already connected; an input takes one edge"));
  }

  for (const auto& node : graph.nodes) {
    const StageInfo* info = registry.find(node.stage);
    if (!info) continue;
    for (const auto& port : info->inputs)
      if (!fed_inputs[node.name].count(port.name))
        errors.push_back(format_graph_error(graph, node.location,
            "input '" + node.name + "." + port.name + "' (" + port.item_type +
                " items) is not connected: add an edge like 'x -> " + node.name + "'"));
  }

  // Cycles: depth-first search, reporting the first back edge found.
  std::map<std::string, int> state;  // 0 unvisited, 1 on the stack, 2 done
  std::function<bool(const std::string&)> visit = [&](const std::string& name) {
    state[name] = 1;
    for (const auto& next : successors[name]) {
      if (state[next] == 1) {
        for (const auto& edge : graph.edges)
          if (edge.from == name && edge.to == next)
            errors.push_back(format_graph_error(graph, edge.location,
                "the edge '" + name + " -> " + next + "' closes a cycle; a graph must flow one way"));
        return true;
      }
      if (state[next] == 0 && visit(next)) return true;
    }
    state[name] = 2;
    return false;
  };
  for (const auto& node : graph.nodes)
    if (state[node.name] == 0 && visit(node.name)) break;

  if (graph.nodes.empty())
    errors.push_back(graph.file + ": error: the graph has no nodes (declare one with 'node NAME : STAGE')");
  return errors;
}

}  // namespace pipectl

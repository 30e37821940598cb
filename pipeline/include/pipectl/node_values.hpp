// A node's parameter values as a run sees them: each declared parameter given or defaulted,
// with the run's {variables} substituted, checked against its declared type. Shared by
// check_graph (with the variables the run will define) and the executor (with the real ones),
// so the two cannot disagree.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipectl/graph.hpp"

namespace pipectl {

struct NodeValueProblem {
  SourceLocation location;  // the value's, or the node's for a default
  std::string message;
};

struct NodeValues {
  std::map<std::string, std::string> values;  // every parameter that has a usable value
  std::vector<NodeValueProblem> problems;
};

NodeValues node_values(const Graph& graph, const Node& node, const StageInfo& info,
                       const std::map<std::string, std::string>& variables);

// `graph.variables` (its `set` lines) overridden by `run` (what the command defines).
std::map<std::string, std::string> merge_variables(const Graph& graph, const std::map<std::string, std::string>& run);

// The RunContext a node's check sees: the variables, and `out` as the output folder.
RunContext check_context(const Graph& graph, const std::map<std::string, std::string>& variables);

}  // namespace pipectl

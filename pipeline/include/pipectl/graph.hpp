// The graph model: nodes (a stage with parameters) and edges between their ports, as read
// from a graph file, and the checks that a graph must pass before it runs.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "pipectl/registry.hpp"

namespace pipectl {

struct SourceLocation {
  std::string file;  // or, with line 0, a place outside any file: "--set render.card=2s"
  int line = 0;      // 1-based; 0: no line (the place is named by `file` alone)
  int column = 0;    // 1-based, in bytes
};

struct ParamValue {
  // As written, quotes removed; may hold {variables}. A list is kept in format_list's form,
  // [a, b, "c d"], whatever its spacing and line breaks in the file.
  std::string text;
  SourceLocation location;
};

struct Node {
  std::string name;
  std::string stage;
  std::map<std::string, ParamValue> params;
  SourceLocation location;        // of the node's name
  SourceLocation stage_location;  // of its stage type
};

struct Edge {
  std::string from;
  std::string from_port;  // empty: the node's only output
  std::string to;
  std::string to_port;    // empty: the node's only input
  SourceLocation location;
};

struct Graph {
  std::string file;
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  // `set name = value` lines: defaults for run variables; the command line overrides them.
  std::map<std::string, std::string> variables;
  std::vector<std::string> lines;  // the file's text, for quoting lines in errors

  const Node* find(const std::string& name) const;
  std::string folder() const;  // folder of `file`, for parameters that are paths
};

// A problem in a graph file, already formatted as
//   file:line:column: error: message
//     <the line>
//     ^
class GraphError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The full message for a problem at `where`, quoting the line from `graph.lines`.
std::string format_graph_error(const Graph& graph, const SourceLocation& where,
                               const std::string& message);

Graph parse_graph_text(const std::string& text, const std::string& file_name);
Graph parse_graph_file(const std::string& path);  // throws GraphError when unreadable

// Applies `--set NODE.PARAM=VALUE` options (the texts after --set), in order: each replaces or
// adds a parameter of a node, before the graph is checked. VALUE is taken literally (the
// shell has already removed its quotes); a list is written [a, b, "c d"]. Throws GraphError,
// naming the option, for a malformed option or an unknown node (with the nearest node name).
// The parameter's location becomes the option itself, so check_graph reports an unknown
// parameter or a bad value as "--set render.card=soon: error: ...".
void apply_overrides(Graph& graph, const std::vector<std::string>& sets);

// The variables every `pipectl run` defines (handle, date, tz, out), with stand-in values for a
// check made before the handles and the day are known (node_values.cpp).
std::map<std::string, std::string> stand_in_run_variables();

// Every problem that stops the graph from running, each formatted by format_graph_error;
// empty when the graph is sound. `run_variables` are those the run defines (the graph's `set`
// lines come under them): values are checked after substitution, as the run will see them.
std::vector<std::string> check_graph(const Graph& graph, const Registry& registry,
                                     const std::map<std::string, std::string>& run_variables = stand_in_run_variables());

// "{handle}" style substitution; unknown variables are left alone and reported by the caller.
std::string substitute_variables(const std::string& text,
                                 const std::map<std::string, std::string>& variables);

// The closest of `candidates` to `word` (edit distance), or empty when none is close.
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace pipectl

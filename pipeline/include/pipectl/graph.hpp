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
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in bytes
};

struct ParamValue {
  std::string text;  // as written, quotes removed; may hold {variables}
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

// Every problem that stops the graph from running, each formatted by format_graph_error;
// empty when the graph is sound.
std::vector<std::string> check_graph(const Graph& graph, const Registry& registry);

// "{handle}" style substitution; unknown variables are left alone and reported by the caller.
std::string substitute_variables(const std::string& text,
                                 const std::map<std::string, std::string>& variables);

// The closest of `candidates` to `word` (edit distance), or empty when none is close.
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace pipectl

// A graph as Graphviz DOT, for `pipectl dot FILE | dot -Tsvg > graph.svg`.
#pragma once

#include <cstddef>
#include <string>

#include "pipectl/graph.hpp"
#include "pipectl/registry.hpp"

namespace pipectl {

struct DotOptions {
  // Parameter values longer than this (in code points) are cut and end in "…".
  std::size_t max_value_length = 40;
};

// The DOT text of `graph`: one box per node (its name, its stage type and the parameters that
// differ from the stage's defaults), one arrow per edge labelled with the item type it carries
// (and the port names where a stage has several ports). The same graph always gives the same
// bytes: nodes and edges in file order, parameters by name.
//
// Any text is safe in it: node ids are sanitised to [A-Za-z0-9_], labels are HTML-like labels
// with <, >, &, " escaped ({, }, |, \ and quotes are plain text there), control characters are
// shown as \n, \t or \xNN, and bytes that are not UTF-8 become U+FFFD, which Graphviz requires.
// Meant for a checked graph; nodes of unknown stages show all their parameters, and edges whose
// ports cannot be resolved have no label.
std::string to_dot(const Graph& graph, const Registry& registry, const DotOptions& options = {});

}  // namespace pipectl

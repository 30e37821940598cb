// What every command that reads a graph does first: load the stages, parse, check.
#pragma once

#include <optional>
#include <string>

#include "pipectl/graph.hpp"
#include "pipectl/registry.hpp"

namespace pipectl::cli {

// The registry with every built-in stage.
Registry make_registry();

// The parsed graph, or nullopt after printing every problem to stderr.
std::optional<Graph> load_checked_graph(const std::string& path, const Registry& registry);

}  // namespace pipectl::cli

#include "load_graph.hpp"

#include <filesystem>
#include <iostream>
#include <set>

#include "arguments.hpp"
#include "builtin.hpp"
#include "pipectl/node_values.hpp"
#include "pipectl/plugin_loader.hpp"

namespace pipectl::cli {

const char* const plugin_help =
    "  --plugin FILE     load the stages of a plugin (a .so built against pipectl's headers);\n"
    "                    may be given several times\n"
    "\n"
    "Environment:\n"
    "  PIPECTL_PLUGIN_PATH  colon-separated plugin files and folders, loaded before --plugin;\n"
    "                       a folder stands for every *.so in it, in name order\n";

Registry make_registry() {
  Registry registry;
  register_builtin_stages(registry);
  return registry;
}

std::optional<Registry> make_registry(const std::vector<std::string>& plugin_files) {
  Registry registry = make_registry();
  bool ok = true;
  std::vector<std::string> files;
  try {
    files = plugin_files_from_env();
  } catch (const PluginError& error) {
    std::cerr << "pipectl: " << error.what() << '\n';
    ok = false;
  }
  files.insert(files.end(), plugin_files.begin(), plugin_files.end());
  // The same library named twice (in PIPECTL_PLUGIN_PATH and by --plugin, say) is one plugin.
  std::set<std::filesystem::path> loaded;
  for (const auto& file : files) {
    std::error_code error;
    auto canonical = std::filesystem::weakly_canonical(file, error);
    if (!error && !loaded.insert(canonical).second) continue;
    try {
      load_plugin(file, registry);
    } catch (const PluginError& failure) {
      std::cerr << "pipectl: " << failure.what() << '\n';
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return registry;
}

// Moves every "NAME VALUE" and "NAME=VALUE" out of `args` into `values`, in order.
static std::string take_option(std::vector<std::string>& args, const std::string& name, const std::string& what,
                               std::vector<std::string>& values) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name) {
      if (i + 1 >= args.size() || args[i + 1].empty()) return name + " needs " + what;
      values.push_back(args[++i]);
    } else if (args[i].rfind(name + "=", 0) == 0) {
      if (args[i].size() == name.size() + 1) return name + " needs " + what;
      values.push_back(args[i].substr(name.size() + 1));
    } else {
      rest.push_back(args[i]);
    }
  }
  args = std::move(rest);
  return {};
}

std::string take_plugin_options(std::vector<std::string>& args, std::vector<std::string>& plugin_files) {
  return take_option(args, "--plugin", "a file", plugin_files);
}

std::string take_set_options(std::vector<std::string>& args, std::vector<std::string>& sets) {
  return take_option(args, "--set", "NODE.PARAM=VALUE", sets);
}

const char* const set_help =
    "  --set NODE.PARAM=VALUE  override a parameter of a node before the graph is checked, e.g.\n"
    "                    --set render.card=2s; may be given several times (the last one wins);\n"
    "                    VALUE is taken as is, a list is written '[a, b, \"c d\"]'\n";

// The stand-ins of a check that knows no run, under the graph's own `set` lines: a graph's
// `set date = ...` is what a run without --date uses, so it is what is checked.
static std::map<std::string, std::string> stand_ins_under(const Graph& graph) {
  auto variables = stand_in_run_variables();
  for (const auto& [name, value] : graph.variables) variables.erase(name);
  return variables;
}

std::optional<Graph> load_checked_graph(const std::string& path, const Registry& registry,
                                        const std::vector<std::string>& sets, const RunVariablesFor& variables_for) {
  try {
    Graph graph = parse_graph_file(path);
    apply_overrides(graph, sets);
    auto problems = check_graph(graph, registry, variables_for ? variables_for(graph) : stand_ins_under(graph));
    for (const auto& problem : problems) std::cerr << problem << '\n';
    if (!problems.empty()) return std::nullopt;
    return graph;
  } catch (const GraphError& error) {
    std::cerr << error.what() << '\n';
    return std::nullopt;
  }
}

std::string day_to_show(const std::string& date_option, const Graph& graph) {
  if (!date_option.empty()) return date_option;
  auto set = graph.variables.find("date");
  return set != graph.variables.end() ? set->second : yesterday_utc();
}

}  // namespace pipectl::cli

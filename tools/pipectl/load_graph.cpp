#include "load_graph.hpp"

#include <filesystem>
#include <iostream>
#include <set>

#include "builtin.hpp"
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

std::string take_plugin_options(std::vector<std::string>& args, std::vector<std::string>& plugin_files) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--plugin") {
      if (i + 1 >= args.size() || args[i + 1].empty()) return "--plugin needs a file";
      plugin_files.push_back(args[++i]);
    } else if (args[i].rfind("--plugin=", 0) == 0) {
      if (args[i].size() == 9) return "--plugin needs a file";
      plugin_files.push_back(args[i].substr(9));
    } else {
      rest.push_back(args[i]);
    }
  }
  args = std::move(rest);
  return {};
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

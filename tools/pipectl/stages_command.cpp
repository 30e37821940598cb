#include <iostream>

#include "commands.hpp"
#include "load_graph.hpp"

namespace pipectl::cli {

namespace {

void print_stage(const StageInfo& info) {
  std::cout << info.name << " - " << info.summary << '\n';
  std::cout << "  from: " << (info.origin.empty() ? "built in" : info.origin) << '\n';
  auto ports = [](const char* title, const std::vector<PortSpec>& list) {
    std::cout << "  " << title << ":";
    if (list.empty()) std::cout << " none";
    std::cout << '\n';
    for (const auto& port : list) std::cout << "    " << port.name << " (" << port.item_type << " items)\n";
  };
  ports("inputs", info.inputs);
  ports("outputs", info.outputs);
  std::cout << "  runs: "
            << (info.concurrency == Concurrency::parallel ? "parallel (items at once on every thread, in any order)"
                                                          : "serial (one item at a time, in arrival order)")
            << '\n';
  if (!info.variables.empty()) {
    std::cout << "  reads the run's variables:";
    for (const auto& name : info.variables) std::cout << " {" << name << "}";
    std::cout << '\n';
  }
  if (info.writes) std::cout << "  writes files: its outputs are checked on a rerun (skip when complete)\n";
  std::cout << "  parameters:\n";
  for (const auto& spec : info.params) {
    std::cout << "    " << spec.name << " : " << to_string(spec.type);
    if (spec.required) std::cout << ", required";
    else std::cout << " = " << (spec.default_value.empty() ? "\"\"" : spec.default_value);
    if (spec.min || spec.max) {
      std::cout << "  [" << (spec.min ? format_number(*spec.min) : std::string("..")) << ", "
                << (spec.max ? format_number(*spec.max) : std::string("..")) << "]";
    }
    if (!spec.unit.empty()) std::cout << "  " << spec.unit;
    if (!spec.choices.empty()) {
      std::cout << "  one of:";
      for (const auto& choice : spec.choices) std::cout << ' ' << choice;
    }
    std::cout << "\n        " << spec.doc << '\n';
  }
}

}  // namespace

int stages_command(const std::vector<std::string>& given) {
  for (const auto& arg : given)
    if (arg == "--help" || arg == "-h") {
      std::cout << "Usage: pipectl stages [NAME] [--plugin FILE]...\n\n"
                   "Lists every stage (built in, and from plugins) with the plugin file it came from, its\n"
                   "ports and parameters, or one stage. Reads nothing but the plugins; writes to stdout.\n\n"
                << plugin_help
                << "\nExit codes: 0 listed, 2 no such stage (or bad usage, or a plugin could not be loaded).\n";
      return exit_ok;
    }
  std::vector<std::string> args = given;
  std::vector<std::string> plugins;
  if (auto problem = take_plugin_options(args, plugins); !problem.empty()) {
    std::cerr << "pipectl stages: " << problem << " (see pipectl stages --help)\n";
    return exit_usage;
  }
  if (args.size() > 1) {
    std::cerr << "pipectl stages: give at most one stage name\n";
    return exit_usage;
  }
  auto loaded = make_registry(plugins);
  if (!loaded) return exit_usage;
  const Registry& registry = *loaded;
  if (args.size() == 1) {
    const StageInfo* info = registry.find(args[0]);
    if (!info) {
      std::string nearest = nearest_name(args[0], registry.names());
      std::cerr << "pipectl stages: no stage '" << args[0] << "'"
                << (nearest.empty() ? "" : " (did you mean '" + nearest + "'?)") << '\n';
      return exit_usage;
    }
    print_stage(*info);
    return exit_ok;
  }
  for (const StageInfo* info : registry.all()) {
    print_stage(*info);
    std::cout << '\n';
  }
  return exit_ok;
}

}  // namespace pipectl::cli

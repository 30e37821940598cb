// pipectl run: the graph once per handle, one handle after the other, with a summary.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <cctype>
#include <sstream>

#include "commands.hpp"
#include "day_window.hpp"
#include "load_graph.hpp"
#include "pipectl/executor.hpp"

namespace pipectl::cli {

namespace {

// Set by SIGINT/SIGTERM; the executor stops at the next item and the stages remove their
// temporary files, so an interrupted run leaves only complete videos behind.
std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) { interrupted = true; }

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const char* run_usage = R"(Usage: pipectl run GRAPH --handles a,b,c [--date YYYY-MM-DD] [--tz ZONE] [--out DIR]
                   [--set NODE.PARAM=VALUE]... [--plugin FILE]...

Runs the graph once for each handle. The built-in graphs write DIR/<handle>/<date>.mp4.

  --handles a,b,c   the accounts to make videos of (X usernames: letters, digits, _)
  --date D          the day to show, in --tz (default: the graph's 'set date', else yesterday in UTC)
  --tz ZONE         IANA time zone of the day window and of the times on the cards (default UTC)
  --out DIR         output folder (default: out); nothing is written outside it
)";

// After the options: --plugin, the environment (plugin_help), then this.
const char* run_usage_end = R"(
Reads: the graph file and what its stages name (graphs/demo.graph: data/sample/), the plugins.
Exit codes: 0 every handle has its video, 1 some handle failed (the others are done),
2 usage or graph error, or a plugin could not be loaded (nothing ran), 130 interrupted
(Ctrl-C or SIGTERM; unfinished videos are removed, finished ones stay).
)";

struct RunArguments {
  std::string graph;
  std::vector<std::string> handles;
  std::string date;
  std::string tz = "UTC";
  std::string out = "out";
  std::vector<std::string> plugins;  // --plugin, in order
  std::vector<std::string> sets;     // --set NODE.PARAM=VALUE, in order; applied before the check
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ','))
    if (!part.empty()) parts.push_back(part);
  return parts;
}

std::string yesterday_utc() {
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  std::chrono::year_month_day day{today - std::chrono::days(1)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                static_cast<unsigned>(day.day()));
  return text;
}

// X usernames: 1 to 15 letters, digits or underscores. This also keeps a handle from
// naming a path outside the output folder.
bool valid_handle(const std::string& handle) {
  if (handle.empty() || handle.size() > 15) return false;
  for (char c : handle)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// Returns an error message, or empty when the arguments are usable.
std::string parse_arguments(const std::vector<std::string>& args, RunArguments& parsed) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--handles" || arg == "--date" || arg == "--tz" || arg == "--out") {
      std::optional<std::string> given;
      if (i + 1 < args.size()) given = args[++i];
      if (!given) return arg + " needs a value";
      if (arg == "--handles") {
        for (const auto& handle : split_commas(*given)) parsed.handles.push_back(handle);
      } else if (arg == "--date") {
        parsed.date = *given;
      } else if (arg == "--tz") {
        parsed.tz = *given;
      } else {
        // "out/" and "out" name the same folder; keep paths in messages clean.
        parsed.out = std::filesystem::path(*given).lexically_normal().string();
        while (parsed.out.size() > 1 && parsed.out.back() == '/') parsed.out.pop_back();
      }
    } else if (arg == "--plugin") {
      if (i + 1 >= args.size() || args[i + 1].empty()) return "--plugin needs a file";
      parsed.plugins.push_back(args[++i]);
    } else if (arg == "--set" || arg.starts_with("--set=")) {
      if (arg == "--set" && i + 1 >= args.size()) return "--set needs NODE.PARAM=VALUE";
      parsed.sets.push_back(arg == "--set" ? args[++i] : arg.substr(6));
    } else if (arg.rfind("--", 0) == 0) {
      return "unknown option '" + arg + "'";
    } else if (parsed.graph.empty()) {
      parsed.graph = arg;
    } else {
      return "unexpected argument '" + arg + "' (one graph file per run)";
    }
  }
  if (parsed.graph.empty()) return "give a graph file, e.g. graphs/demo.graph";
  if (parsed.handles.empty()) return "give the handles to run with --handles a,b,c";
  for (const auto& handle : parsed.handles)
    if (!valid_handle(handle)) return "'" + handle + "' is not a handle (1-15 letters, digits or _)";
  if (!parsed.date.empty() && !fetch::parse_date(parsed.date))
    return "--date '" + parsed.date + "' is not a day written YYYY-MM-DD";
  try {
    fetch::check_time_zone(parsed.tz);
  } catch (const std::invalid_argument&) {
    return "--tz '" + parsed.tz + "' is not an IANA time zone (e.g. UTC, Europe/Paris)";
  }
  return {};
}

// Where the graph's encode nodes write for this run, for the summary.
std::vector<std::string> output_paths(const Graph& graph, const Registry& registry, const RunOptions& options) {
  std::vector<std::string> paths;
  auto variables = run_variables(graph, options);
  for (const auto& node : graph.nodes) {
    const StageInfo* info = registry.find(node.stage);
    if (node.stage != "encode" || !info) continue;
    try {
      paths.push_back(resolve_params(graph, node, *info, variables).text("path"));
    } catch (const std::exception&) {
    }
  }
  return paths;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << run_usage << set_help << plugin_help << run_usage_end;
      return exit_ok;
    }
  RunArguments arguments;
  if (auto problem = parse_arguments(args, arguments); !problem.empty()) {
    std::cerr << "pipectl run: " << problem << " (see pipectl run --help)\n";
    return exit_usage;
  }
  auto loaded = make_registry(arguments.plugins);
  if (!loaded) return exit_usage;
  const Registry& registry = *loaded;
  auto graph = load_checked_graph(arguments.graph, registry, arguments.sets);
  if (!graph) return exit_usage;

  std::string date = arguments.date;
  if (date.empty()) date = graph->variables.count("date") ? graph->variables.at("date") : yesterday_utc();
  if (!fetch::parse_date(date)) {
    std::cerr << arguments.graph << ": 'set date = " << date << "' is not a date YYYY-MM-DD\n";
    return exit_usage;
  }

  std::error_code error;
  std::filesystem::create_directories(arguments.out, error);
  if (error) {
    std::cerr << "pipectl run: cannot create the output folder " << arguments.out << ": " << error.message() << '\n';
    return exit_usage;
  }

  struct Outcome {
    std::string handle;
    bool ok;
    std::string detail;
    size_t warnings;
    double seconds;
  };
  std::vector<Outcome> outcomes;
  catch_interrupts();
  size_t position = 0;
  for (const auto& handle : arguments.handles) {
    if (interrupted) break;
    ++position;
    std::cout << "[" << position << "/" << arguments.handles.size() << "] " << handle << ": running " << arguments.graph
              << " for " << date << " (" << arguments.tz << ")" << std::endl;
    RunOptions options;
    options.context.handle = handle;
    options.context.date = date;
    options.context.tz = arguments.tz;
    options.context.out_dir = arguments.out;
    options.cancel = &interrupted;
    options.on_warning = [&handle](const std::string& message) {
      std::cerr << "  warning: " << handle << ": " << message << '\n';
    };
    auto started = std::chrono::steady_clock::now();
    RunResult result = run_graph(*graph, registry, options);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Outcome outcome{handle, result.ok, "", result.warnings.size(), seconds};
    if (result.ok) {
      for (const auto& path : output_paths(*graph, registry, options)) outcome.detail += path + " ";
      std::cout << "  " << handle << ": done in " << static_cast<int>(seconds * 10) / 10.0 << " s -> " << outcome.detail
                << std::endl;
    } else {
      outcome.detail = result.failed_node.empty() ? result.error : "stage '" + result.failed_node + "': " + result.error;
      std::cerr << "  error: " << handle << ": " << outcome.detail << std::endl;
    }
    outcomes.push_back(std::move(outcome));
  }

  if (interrupted) {
    std::cerr << "pipectl run: interrupted; " << outcomes.size() << " of " << arguments.handles.size()
              << " handles were started, unfinished videos were removed\n";
    return exit_interrupted;
  }
  size_t failed = 0;
  std::cout << "\nSummary (" << date << ", " << arguments.tz << "):\n";
  for (const auto& outcome : outcomes) {
    failed += outcome.ok ? 0 : 1;
    std::cout << "  " << (outcome.ok ? "ok     " : "FAILED ") << outcome.handle << "  " << outcome.detail;
    if (outcome.warnings) std::cout << " (" << outcome.warnings << " warnings above)";
    std::cout << '\n';
  }
  std::cout << outcomes.size() - failed << " of " << outcomes.size() << " handles made their video\n";
  return failed ? exit_handles_failed : exit_ok;
}

}  // namespace pipectl::cli

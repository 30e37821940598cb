// pipectl run: the graph once per handle, each in a child process (supervisor.cpp), with a summary.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "fetch/fetch.hpp"
#include "handle_list.hpp"
#include "handle_run.hpp"
#include "job.hpp"
#include "load_graph.hpp"
#include "pipectl/executor.hpp"
#include "pipectl/params.hpp"
#include "shard.hpp"
#include "supervisor.hpp"
#include "supervisor_options.hpp"
#include "terminal_view.hpp"
#include "pipectl/write_errors.hpp"

namespace pipectl::cli {

namespace {

const char* run_usage = R"(Usage: pipectl run GRAPH (--handles a,b,c | --handles-file FILE) [--shard I/N | --shard auto]
                   [--date YYYY-MM-DD] [--tz ZONE] [--out DIR]
                   [-j N] [--api-concurrency N] [--timeout DURATION] [--retry N] [--force] [--events FILE]
                   [--status-port P [--status-bind ADDR]] [--plain] [--no-fork]
                   [--set NODE.PARAM=VALUE]... [--plugin FILE]...

Runs the graph once for each handle, each in its own process, so a handle whose input
crashes the process fails alone. The built-in graphs write DIR/<handle>/<date>.mp4.
A handle whose video is already complete is skipped (--force remakes it); what a killed
run left behind (<video>.part-*) is removed first. On a terminal, a live view shows each
running handle's stage and progress; elsewhere, plain log lines. A summary table ends the run.

  --handles a,b,c   the accounts to make videos of (X usernames: letters, digits, _)
  --handles-file F  more accounts, one per line ('#' starts a comment; blank lines are
                    ignored); - reads standard input. A bad or repeated handle is refused
                    as F:LINE and nothing runs.
  --shard I/N       run only shard I (from 0) of N: the handles whose hash lands in I. A
                    handle's shard depends on the handle alone, so every task of a job array
                    can be given the whole list. The shard's events go to
                    DIR/.pipectl/events/I-of-N.jsonl unless --events says otherwise.
  --shard auto      I and N from the batch engine: a Slurm array (SLURM_ARRAY_TASK_ID, N from
                    PIPECTL_SHARDS, else SLURM_ARRAY_TASK_COUNT, else _MIN/_MAX), or a
                    Kubernetes Indexed Job (JOB_COMPLETION_INDEX, N from PIPECTL_SHARDS)
  --date D          the day to show, in --tz (default: the graph's 'set date', else yesterday in UTC)
  --tz ZONE         IANA time zone of the day window and of the times on the cards (default UTC)
  --no-fork         run the handles one after the other in this process (no -j)
)";
// Between the two: the supervisor's options (supervisor_options.cpp).

// After the options: --plugin, the environment (plugin_help), then this.
const char* run_usage_end = R"(
Reads: the graph file and what its stages name (graphs/demo.graph: data/sample/), the plugins.
Exit codes: 0 every handle has its video, 1 some handle failed (the others are done),
2 usage or graph error, or a plugin could not be loaded (nothing ran), 130 interrupted
(Ctrl-C or SIGTERM; unfinished videos are removed, finished ones stay).
)";

struct RunArguments {
  std::string graph;
  HandleList handles;                // --handles and --handles-file, in order
  bool handles_file = false;         // some --handles-file was read
  std::optional<Shard> shard;        // --shard I/N or auto
  std::string date;
  std::string tz = "UTC";
  std::vector<std::string> plugins;  // --plugin, in order
  std::vector<std::string> sets;     // --set NODE.PARAM=VALUE, in order; applied before the check
  bool fork = true;                  // false: --no-fork
  SupervisorOptions supervisor;      // --out, -j, --timeout, --retry, --events, --notify...
};

// Returns an error message, or empty when the arguments are usable.
std::string parse_arguments(const std::vector<std::string>& args, RunArguments& parsed) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (auto file = option_value(args, i, "--handles-file")) {
      if (file->empty()) return "--handles-file needs a file (- for standard input)";
      if (auto problem = parsed.handles.add_file(*file); !problem.empty()) return problem;
      parsed.handles_file = true;
    } else if (auto shard = option_value(args, i, "--shard")) {
      std::string problem;
      parsed.shard = *shard == "auto" ? shard_from_environment(process_environment, problem)
                                      : parse_shard(*shard, problem);
      if (!parsed.shard) return problem;
    } else if (arg == "--handles" || arg == "--date" || arg == "--tz") {
      std::optional<std::string> given;
      if (i + 1 < args.size()) given = args[++i];
      if (!given) return arg + " needs a value";
      if (arg == "--handles") {
        if (auto problem = parsed.handles.add_commas(*given); !problem.empty()) return problem;
      } else if (arg == "--date") {
        parsed.date = *given;
      } else {
        parsed.tz = *given;
      }
    } else if (auto problem = supervisor_option(args, i, parsed.supervisor)) {
      if (!problem->empty()) return *problem;
    } else if (arg == "--no-fork") {
      parsed.fork = false;
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
  return handles_day_zone_problem(parsed.handles, parsed.handles_file, parsed.date, parsed.tz);
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << run_usage << supervisor_options_help << set_help << plugin_help << run_usage_end;
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
  // The graph is checked with the variables this run defines (the first handle's), so a value
  // that every handle would refuse stops the run here, with its file:line, before any work.
  auto day_of = [&](const Graph& graph) { return day_to_show(arguments.date, graph); };
  auto graph = load_checked_graph(arguments.graph, registry, arguments.sets, [&](const Graph& graph) {
    return run_defined_variables(arguments.handles.handles().front(), day_of(graph), arguments.tz,
                                 local_output_folder(arguments.supervisor));
  });
  if (!graph) return exit_usage;

  std::string date = day_of(*graph);
  if (!fetch::is_date(date)) {
    std::cerr << arguments.graph << ": 'set date = " << date << "' is not a date YYYY-MM-DD\n";
    return exit_usage;
  }

  if (!prepare_outputs(arguments.supervisor, "run")) return exit_usage;

  RunPlan plan;
  plan.graph = &*graph;
  plan.registry = &registry;
  plan.graph_path = arguments.graph;
  plan.date = date;
  plan.tz = arguments.tz;
  apply_options(arguments.supervisor, plan);
  plan.handles = arguments.handles.handles();
  if (arguments.shard) {
    plan.handles = handles_of_shard(plan.handles, *arguments.shard);
    plan.shard_name = arguments.shard->name();
    plan.shard_line = "shard " + std::to_string(arguments.shard->index) + " of " +
                      std::to_string(arguments.shard->count) + " (" + arguments.shard->origin + "): " +
                      std::to_string(plan.handles.size()) + " of " +
                      std::to_string(arguments.handles.handles().size()) + " handles";
  }
  plan.fork = arguments.fork;
  // Each shard of an array logs its own events into the shared output folder, where
  // `pipectl status --events-dir` merges them.
  if (plan.events_path.empty() && arguments.shard) {
    auto folder = std::filesystem::path(plan.out) / ".pipectl" / "events";
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) {
      std::cerr << "pipectl run: cannot create " << folder.string() << ": " << error.message() << '\n';
      return exit_usage;
    }
    plan.events_path = (folder / (arguments.shard->name() + ".jsonl")).string();
  }
  plan.live_view = !arguments.supervisor.plain && terminal_can_redraw();
  HandleListSource source(std::make_shared<const Graph>(*graph), plan.graph_path, plan.date, plan.tz, plan.handles);
  return supervise(plan, source);
}

}  // namespace pipectl::cli

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
#include "load_graph.hpp"
#include "pipectl/executor.hpp"
#include "pipectl/params.hpp"
#include "shard.hpp"
#include "supervisor.hpp"
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
  --out DIR         output folder (default: out); nothing is written outside it
  -j N, --jobs N    handles at a time, one process each (default: the number of cores);
                    each gets cores / N threads (N at most the number of handles)
  --api-concurrency N  X API calls in flight at once, across all handles (default 4: each
                    handle needs only a few calls, so more would not speed a run up; a
                    small cap keeps hundreds of handles from bursting into the rate limits)
  --timeout D       stop a handle's attempt after D (e.g. 90s, 10m) and count it as failed
  --retry N         run a failed handle again, up to N more times (default 0)
  --force           remake videos that are already complete
  --events FILE     write every event as a JSON line to FILE: started, progress, waiting,
                    warning, finished, failed, retrying, skipped, removed; each with
                    "event", "time" (UTC) and "handle" (see README)
  --status-port P   serve a status page on http://127.0.0.1:P/ while the run goes on:
                    progress, and a player for each finished video; /status.json for
                    scripts. P = 0 picks a free port; the URL is printed first.
  --status-bind A   the address the status page listens on (default 127.0.0.1; 0.0.0.0
                    shows it to the network, with no password)
  --plain           plain log lines even on a terminal
  --no-fork         run the handles one after the other in this process (no -j)
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
  HandleList handles;                // --handles and --handles-file, in order
  bool handles_file = false;         // some --handles-file was read
  std::optional<Shard> shard;        // --shard I/N or auto
  std::string date;
  std::string tz = "UTC";
  std::string out = "out";
  std::vector<std::string> plugins;  // --plugin, in order
  std::vector<std::string> sets;     // --set NODE.PARAM=VALUE, in order; applied before the check
  int jobs = 0;                      // -j; 0: the default
  std::string events;                // --events FILE
  bool fork = true;                  // false: --no-fork
  double timeout = 0;                // --timeout, seconds; 0: none
  int retries = 0;                   // --retry
  int api_concurrency = 4;           // --api-concurrency
  bool force = false;
  int status_port = -1;              // --status-port; -1: none
  std::string status_bind = "127.0.0.1";
  bool plain = false;
};

std::string yesterday_utc() {
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  std::chrono::year_month_day day{today - std::chrono::days(1)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                static_cast<unsigned>(day.day()));
  return text;
}

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
    } else if (arg == "--handles" || arg == "--date" || arg == "--tz" || arg == "--out") {
      std::optional<std::string> given;
      if (i + 1 < args.size()) given = args[++i];
      if (!given) return arg + " needs a value";
      if (arg == "--handles") {
        if (auto problem = parsed.handles.add_commas(*given); !problem.empty()) return problem;
      } else if (arg == "--date") {
        parsed.date = *given;
      } else if (arg == "--tz") {
        parsed.tz = *given;
      } else {
        // "out/" and "out" name the same folder; keep paths in messages clean.
        parsed.out = std::filesystem::path(*given).lexically_normal().string();
        while (parsed.out.size() > 1 && parsed.out.back() == '/') parsed.out.pop_back();
      }
    } else if (arg == "-j" || arg == "--jobs" || (arg.starts_with("-j") && arg.size() > 2) ||
               arg.starts_with("--jobs=")) {
      std::string value;
      if (arg == "-j" || arg == "--jobs") {
        if (i + 1 >= args.size()) return arg + " needs a number of handles at a time";
        value = args[++i];
      } else {
        value = arg.starts_with("--jobs=") ? arg.substr(7) : arg.substr(2);
      }
      auto jobs = parse_count(value, 1, 1024);
      if (!jobs) return "-j '" + value + "' is not a number from 1 to 1024";
      parsed.jobs = *jobs;
    } else if (arg == "--events" || arg.starts_with("--events=")) {
      if (arg == "--events" && (i + 1 >= args.size() || args[i + 1].empty())) return "--events needs a file";
      parsed.events = arg == "--events" ? args[++i] : arg.substr(9);
      if (parsed.events.empty()) return "--events needs a file";
    } else if (auto timeout = option_value(args, i, "--timeout")) {
      auto seconds = parse_duration_seconds(*timeout);
      if (!seconds || *seconds <= 0) return "--timeout '" + *timeout + "' is not a duration such as 90s or 10m";
      parsed.timeout = *seconds;
    } else if (auto slots = option_value(args, i, "--api-concurrency")) {
      auto count = parse_count(*slots, 1, 256);
      if (!count) return "--api-concurrency '" + *slots + "' is not a number from 1 to 256";
      parsed.api_concurrency = *count;
    } else if (auto retries = option_value(args, i, "--retry")) {
      auto count = parse_count(*retries, 0, 100);
      if (!count) return "--retry '" + *retries + "' is not a number from 0 to 100";
      parsed.retries = *count;
    } else if (auto problem = status_page_option(args, i, parsed.status_port, parsed.status_bind)) {
      if (!problem->empty()) return *problem;
    } else if (arg == "--force") {
      parsed.force = true;
    } else if (arg == "--plain") {
      parsed.plain = true;
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
  if (parsed.handles.handles().empty())
    return parsed.handles_file ? std::string("the handles file holds no handle (only comments or blank lines)")
                               : std::string("give the handles to run with --handles a,b,c or --handles-file FILE");
  if (!parsed.date.empty() && !fetch::is_date(parsed.date))
    return "--date '" + parsed.date + "' is not a day written YYYY-MM-DD";
  if (!fetch::is_time_zone(parsed.tz)) return "--tz '" + parsed.tz + "' is not an IANA time zone (e.g. UTC, Europe/Paris)";
  return {};
}

// Why no file can be made in `folder`, or empty when one can. create_directories succeeds on a
// folder that exists but cannot be written (its mode, a read-only mount), and a run would learn
// it only when the first handle, done fetching and drawing, opens its video: so a file is made
// and removed here, before any work.
std::string unwritable_reason(const std::string& folder) {
  const auto probe = std::filesystem::path(folder) / (".pipectl-write-check-" + std::to_string(::getpid()));
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return pipectl::write_error_text(errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return {};
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
  // The graph is checked with the variables this run defines (the first handle's), so a value
  // that every handle would refuse stops the run here, with its file:line, before any work.
  auto day_of = [&](const Graph& graph) {
    if (!arguments.date.empty()) return arguments.date;
    return graph.variables.count("date") ? graph.variables.at("date") : yesterday_utc();
  };
  auto graph = load_checked_graph(arguments.graph, registry, arguments.sets, [&](const Graph& graph) {
    return run_defined_variables(arguments.handles.handles().front(), day_of(graph), arguments.tz, arguments.out);
  });
  if (!graph) return exit_usage;

  std::string date = day_of(*graph);
  if (!fetch::is_date(date)) {
    std::cerr << arguments.graph << ": 'set date = " << date << "' is not a date YYYY-MM-DD\n";
    return exit_usage;
  }

  std::error_code error;
  std::filesystem::create_directories(arguments.out, error);
  if (error) {
    std::cerr << "pipectl run: cannot create the output folder " << arguments.out << ": "
              << pipectl::write_error_text(error.value()) << '\n';
    return exit_usage;
  }
  if (auto reason = unwritable_reason(arguments.out); !reason.empty()) {
    std::cerr << "pipectl run: cannot write in the output folder " << arguments.out << ": " << reason << '\n';
    return exit_usage;
  }

  RunPlan plan;
  plan.graph = &*graph;
  plan.registry = &registry;
  plan.graph_path = arguments.graph;
  plan.date = date;
  plan.tz = arguments.tz;
  plan.out = arguments.out;
  plan.handles = arguments.handles.handles();
  if (arguments.shard) {
    plan.handles = handles_of_shard(plan.handles, *arguments.shard);
    plan.shard_name = arguments.shard->name();
    plan.shard_line = "shard " + std::to_string(arguments.shard->index) + " of " +
                      std::to_string(arguments.shard->count) + " (" + arguments.shard->origin + "): " +
                      std::to_string(plan.handles.size()) + " of " +
                      std::to_string(arguments.handles.handles().size()) + " handles";
  }
  plan.jobs = arguments.jobs ? arguments.jobs : default_jobs();
  plan.fork = arguments.fork;
  plan.events_path = arguments.events;
  // Each shard of an array logs its own events into the shared output folder, where
  // `pipectl status --events-dir` merges them.
  if (plan.events_path.empty() && arguments.shard) {
    auto folder = std::filesystem::path(arguments.out) / ".pipectl" / "events";
    std::filesystem::create_directories(folder, error);
    if (error) {
      std::cerr << "pipectl run: cannot create " << folder.string() << ": " << error.message() << '\n';
      return exit_usage;
    }
    plan.events_path = (folder / (arguments.shard->name() + ".jsonl")).string();
  }
  plan.timeout_seconds = arguments.timeout;
  plan.retries = arguments.retries;
  plan.api_concurrency = arguments.api_concurrency;
  plan.force = arguments.force;
  plan.status_port = arguments.status_port;
  plan.status_bind = arguments.status_bind;
  plan.live_view = !arguments.plain && terminal_can_redraw();
  return supervise(plan);
}

}  // namespace pipectl::cli

// pipectl enqueue: one job per handle onto a Redis Streams queue, for `pipectl worker`s to run.
#include <fstream>
#include <iostream>
#include <sstream>

#include "arguments.hpp"
#include "commands.hpp"
#include "events.hpp"
#include "handle_list.hpp"
#include "handle_run.hpp"
#include "load_graph.hpp"
#include "queue_source.hpp"
#include "queued_job.hpp"
#include "redis_queue.hpp"

namespace pipectl::cli {

namespace {

const char* enqueue_usage = R"(Usage: pipectl enqueue --queue URL GRAPH (--handles a,b,c | --handles-file FILE)
                       [--date YYYY-MM-DD] [--tz ZONE] [--notify URL] [--set NODE.PARAM=VALUE]...
                       [--plugin FILE]...

Puts one job per handle on the queue, for `pipectl worker` to run. Each job carries the
graph's text (and its SHA-256), the day, the time zone and the --set overrides, so workers
need no copy of the graph file; paths in the graph are read, on the worker, relative to the
graph's folder as given here. The graph is checked first (exit 2, naming file:line, when it
has a problem). Prints each job's id, one line per handle: HANDLE ID.

  --queue URL       redis://HOST[:PORT]/STREAM, or unix:///path/redis.sock?stream=STREAM
  --handles a,b,c   the accounts to make videos of
  --handles-file F  more accounts, one per line ('#' comments; - reads standard input)
  --date D          the day to show (default: the graph's 'set date', else yesterday in UTC)
  --tz ZONE         IANA time zone of the day (default UTC)
  --notify URL      POST the job's outcome to URL when its video is ready (or it failed for
                    good); signed with PIPECTL_NOTIFY_SECRET (X-Pipectl-Signature)
)";

const char* enqueue_usage_end = R"(
Exit codes: 0 every job is queued, 2 usage or graph error (nothing queued), or the queue
cannot be reached (the jobs printed before the error are queued).
)";

struct EnqueueArguments {
  std::string queue;
  std::string graph;
  HandleList handles;
  bool handles_file = false;
  std::string date;
  std::string tz = "UTC";
  std::string notify;
  std::vector<std::string> sets;
  std::vector<std::string> plugins;
};

std::string parse_arguments(std::vector<std::string> args, EnqueueArguments& parsed) {
  if (auto problem = take_plugin_options(args, parsed.plugins); !problem.empty()) return problem;
  if (auto problem = take_set_options(args, parsed.sets); !problem.empty()) return problem;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (auto value = option_value(args, i, "--queue")) {
      if (value->empty()) return "--queue needs a URL";
      parsed.queue = *value;
    } else if (auto handles = option_value(args, i, "--handles")) {
      if (auto problem = parsed.handles.add_commas(*handles); !problem.empty()) return problem;
    } else if (auto file = option_value(args, i, "--handles-file")) {
      if (file->empty()) return "--handles-file needs a file (- for standard input)";
      if (auto problem = parsed.handles.add_file(*file); !problem.empty()) return problem;
      parsed.handles_file = true;
    } else if (auto date = option_value(args, i, "--date")) {
      parsed.date = *date;
    } else if (auto tz = option_value(args, i, "--tz")) {
      parsed.tz = *tz;
    } else if (auto notify = option_value(args, i, "--notify")) {
      if (!notify->starts_with("http://") && !notify->starts_with("https://"))
        return "--notify '" + *notify + "' is not an http:// or https:// URL";
      parsed.notify = *notify;
    } else if (arg.starts_with("-")) {
      return "unknown option '" + arg + "'";
    } else if (parsed.graph.empty()) {
      parsed.graph = arg;
    } else {
      return "unexpected argument '" + arg + "' (one graph file per enqueue)";
    }
  }
  if (parsed.queue.empty()) return "give the queue with --queue URL";
  if (parsed.graph.empty()) return "give a graph file, e.g. graphs/demo.graph";
  return handles_day_zone_problem(parsed.handles, parsed.handles_file, parsed.date, parsed.tz);
}

}  // namespace

int enqueue_command(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << enqueue_usage << set_help << plugin_help << enqueue_usage_end;
      return exit_ok;
    }
  EnqueueArguments arguments;
  if (auto problem = parse_arguments(args, arguments); !problem.empty()) {
    std::cerr << "pipectl enqueue: " << problem << " (see pipectl enqueue --help)\n";
    return exit_usage;
  }
  std::string problem;
  auto address = parse_queue_url(arguments.queue, problem);
  if (!address) {
    std::cerr << "pipectl enqueue: --queue " << problem << '\n';
    return exit_usage;
  }
  auto registry = make_registry(arguments.plugins);
  if (!registry) return exit_usage;
  auto day_of = [&](const Graph& graph) { return day_to_show(arguments.date, graph); };
  // Checked as a worker will check it, with the first handle and a stand-in output folder.
  auto graph = load_checked_graph(arguments.graph, *registry, arguments.sets, [&](const Graph& graph) {
    return run_defined_variables(arguments.handles.handles().front(), day_of(graph), arguments.tz, "out");
  });
  if (!graph) return exit_usage;
  std::ifstream file(arguments.graph, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();

  QueuedJob job;
  job.date = day_of(*graph);
  job.tz = arguments.tz;
  job.graph_text = text.str();
  job.graph_hash = sha256_hex(job.graph_text);
  job.graph_path = std::filesystem::absolute(arguments.graph).lexically_normal().string();
  job.sets = arguments.sets;
  job.notify_url = arguments.notify;
  try {
    RedisQueue queue(*address);
    // The group exists before the jobs, so they count as its lag (what autoscalers read).
    queue.ensure_group(address->stream, worker_group);
    for (const auto& handle : arguments.handles.handles()) {
      job.handle = handle;
      job.enqueued = now_text();
      std::cout << handle << ' ' << queue.add(address->stream, job_fields(job)) << '\n';
    }
  } catch (const QueueError& error) {
    std::cerr << "pipectl enqueue: " << error.what() << '\n';
    return exit_usage;
  }
  return exit_ok;
}

}  // namespace pipectl::cli

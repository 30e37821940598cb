// pipectl worker: runs the jobs of a Redis Streams queue with the same supervisor as `run`.
#include <unistd.h>

#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "load_graph.hpp"
#include "pipectl/params.hpp"
#include "queue_events.hpp"
#include "queue_source.hpp"
#include "redis_queue.hpp"
#include "supervisor.hpp"
#include "supervisor_options.hpp"
#include "terminal_view.hpp"

namespace pipectl::cli {

namespace {

const char* worker_usage = R"(Usage: pipectl worker --queue URL [--out DIR | --out s3://BUCKET/PREFIX] [-j N]
                      [--timeout D] [--retry N] [--notify URL] [--claim-after D] [--until-empty]
                      [--events FILE] [--status-port P] [--plain] [--plugin FILE]...

Runs the jobs `pipectl enqueue` put on the queue, -j at a time, each handle in its own
process as `pipectl run` does, in the consumer group pipectl-workers. A job is acknowledged
only once its video is complete under its final name (uploaded, with --out s3://); a job
whose video is already complete is acknowledged without work. The jobs of a worker that died
are taken over once idle longer than --claim-after; a running job is kept from others. A job
that fails its last try (--retry N more, counting tries by other workers) moves to the
dead-letter stream STREAM:dead with its error. Every event also goes to STREAM:events, which
`pipectl status --queue` reads. SIGTERM (Kubernetes scale-down): finish the running jobs,
take no more, exit. Ctrl-C: stop now (the queue gives the jobs to others).

  --queue URL       redis://HOST[:PORT]/STREAM, or unix:///path/redis.sock?stream=STREAM
  --claim-after D   take over a job no worker has kept for D (default: --timeout, else 10m);
                    longer than a worker's pauses, shorter than you want to wait for a dead one
  --until-empty     exit once nothing is queued and no job is held by any worker (a batch)
)";

const char* worker_usage_end = R"(
Exit codes: 0 stopped (SIGTERM, or --until-empty) with every job it ran done, 1 some job
failed for good (dead-lettered), 2 usage error, or the queue cannot be reached at start,
130 interrupted.
)";

struct WorkerArguments {
  std::string queue;
  std::vector<std::string> plugins;
  SupervisorOptions supervisor;
  double claim_after = 0;  // seconds; 0: the default
  bool until_empty = false;
};

std::string parse_arguments(std::vector<std::string> args, WorkerArguments& parsed) {
  if (auto problem = take_plugin_options(args, parsed.plugins); !problem.empty()) return problem;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (auto value = option_value(args, i, "--queue")) {
      if (value->empty()) return "--queue needs a URL";
      parsed.queue = *value;
    } else if (auto claim = option_value(args, i, "--claim-after")) {
      auto seconds = parse_duration_seconds(*claim);
      if (!seconds || *seconds <= 0) return "--claim-after '" + *claim + "' is not a duration such as 90s or 10m";
      parsed.claim_after = *seconds;
    } else if (arg == "--until-empty") {
      parsed.until_empty = true;
    } else if (auto problem = supervisor_option(args, i, parsed.supervisor)) {
      if (!problem->empty()) return *problem;
    } else {
      return "unknown argument '" + arg + "'";
    }
  }
  if (parsed.queue.empty()) return "give the queue with --queue URL";
  return {};
}

std::string consumer_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "worker");
  return std::string(host) + "-" + std::to_string(getpid());
}

}  // namespace

int worker_command(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << worker_usage << supervisor_options_help << plugin_help << worker_usage_end;
      return exit_ok;
    }
  WorkerArguments arguments;
  if (auto problem = parse_arguments(args, arguments); !problem.empty()) {
    std::cerr << "pipectl worker: " << problem << " (see pipectl worker --help)\n";
    return exit_usage;
  }
  std::string problem;
  auto address = parse_queue_url(arguments.queue, problem);
  if (!address) {
    std::cerr << "pipectl worker: --queue " << problem << '\n';
    return exit_usage;
  }
  auto registry = make_registry(arguments.plugins);
  if (!registry) return exit_usage;
  if (!prepare_outputs(arguments.supervisor, "worker")) return exit_usage;

  std::optional<RedisQueue> jobs, events_connection;
  try {
    // The jobs' connection waits little for Redis in each call: the source backs off itself,
    // so the supervisor goes on reading its children while Redis is away.
    jobs.emplace(*address, std::chrono::seconds(2), std::chrono::milliseconds(500));
    jobs->ensure_group(address->stream, worker_group);
    events_connection.emplace(*address, std::chrono::seconds(2), std::chrono::milliseconds(200));
  } catch (const QueueError& error) {
    std::cerr << "pipectl worker: " << error.what() << '\n';
    return exit_usage;
  }

  const std::string consumer = consumer_name();
  QueueEvents events(*events_connection, consumer);
  RunPlan plan;
  plan.registry = &*registry;
  plan.command = "worker";
  plan.graph_path = address->display();
  plan.date = address->display();
  plan.tz = consumer;
  plan.title = "pipectl worker " + address->display() + " (" + consumer + ")";
  apply_options(arguments.supervisor, plan);
  plan.drain_on_sigterm = true;
  plan.publish_event = [&](const boost::json::object& event) { events.publish(event); };
  plan.live_view = !arguments.supervisor.plain && terminal_can_redraw();

  QueueSourceSettings settings;
  settings.consumer = consumer;
  double claim_seconds = arguments.claim_after > 0 ? arguments.claim_after
                         : plan.timeout_seconds > 0 ? plan.timeout_seconds
                                                    : 600;
  settings.claim_idle = std::chrono::milliseconds(static_cast<long long>(claim_seconds * 1000));
  settings.keep_every = std::min(std::chrono::milliseconds(5000), settings.claim_idle / 4);
  settings.until_empty = arguments.until_empty;
  QueueSource source(*jobs, *registry, plan.out, settings, draining);
  std::cout << "pipectl worker " << consumer << ": jobs from " << address->display() << ", group " << worker_group
            << std::endl;
  int code = supervise(plan, source);
  std::cout << "pipectl worker " << consumer << ": " << source.acknowledged() << " jobs acknowledged, "
            << source.dead_lettered() << " dead-lettered, " << source.claimed() << " taken over from other workers"
            << (draining ? " (stopped by SIGTERM)" : "") << std::endl;
  return code;
}

}  // namespace pipectl::cli

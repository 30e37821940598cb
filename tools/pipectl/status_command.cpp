// pipectl status: one view of a job array. Every shard of `pipectl run --shard` writes its
// events into <out>/.pipectl/events/; this merges those files into the same board, live view,
// summary and status page as a run of its own.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "arguments.hpp"
#include "commands.hpp"
#include "events.hpp"
#include "events_folder.hpp"
#include "handle_list.hpp"
#include "queue_events.hpp"
#include "queue_source.hpp"
#include "redis_queue.hpp"
#include "run_board.hpp"
#include "status_server.hpp"
#include "supervisor.hpp"
#include "terminal_view.hpp"

namespace pipectl::cli {

namespace {

const char* status_usage = R"(Usage: pipectl status (--events-dir DIR | --queue URL) [--handles-file FILE] [--follow]
                      [--status-port P [--status-bind ADDR]] [--plain]

Merges the event files of every shard of a job array (pipectl run --shard writes
OUT/.pipectl/events/I-of-N.jsonl; any *.jsonl in DIR is read), or the events stream of a
queue's workers (pipectl worker), into one view: each handle's state, stage and progress,
and the summary table. For a queue, also the jobs waiting (not yet given to a worker), those
with workers (not yet acknowledged), the dead-lettered ones, and who runs what.

  --events-dir DIR  the folder of event files, e.g. /shared/videos/.pipectl/events
  --queue URL       the queue the workers read: redis://HOST[:PORT]/STREAM or
                    unix:///path/redis.sock?stream=STREAM (its events are STREAM:events);
                    --follow then ends once nothing is waiting, with workers or running
  --handles-file F  the array's whole handle list: handles no shard has started yet count as
                    queued, and --follow knows when the array is over
  --follow          keep reading as the shards write: a live view on a terminal, plain lines
                    elsewhere, until every handle of --handles-file has an outcome (without
                    it, until Ctrl-C); then the summary
  --status-port P   serve the status page (as pipectl run does) while following; 0 picks a
                    free port; the URL is printed first. Implies --follow.
  --status-bind A   the address the page listens on (default 127.0.0.1)
  --plain           plain lines even on a terminal

Exit codes: 0 every handle has its video, 1 some handle failed, 2 usage error (or the folder
cannot be read, or the queue cannot be reached), 3 some handles (or a queue's jobs) are not finished
yet, 130 interrupted.
)";

constexpr int exit_unfinished = 3;

struct StatusArguments {
  std::string events_dir;
  std::string queue;
  HandleList handles;
  bool follow = false;
  int status_port = -1;
  std::string status_bind = "127.0.0.1";
  bool plain = false;
};

std::string parse_arguments(const std::vector<std::string>& args, StatusArguments& parsed) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (auto queue = option_value(args, i, "--queue")) {
      if (queue->empty()) return "--queue needs a URL";
      parsed.queue = *queue;
    } else if (auto dir = option_value(args, i, "--events-dir")) {
      if (dir->empty()) return "--events-dir needs a folder";
      parsed.events_dir = *dir;
    } else if (auto file = option_value(args, i, "--handles-file")) {
      if (file->empty()) return "--handles-file needs a file (- for standard input)";
      if (auto problem = parsed.handles.add_file(*file); !problem.empty()) return problem;
    } else if (auto problem = status_page_option(args, i, parsed.status_port, parsed.status_bind)) {
      if (!problem->empty()) return *problem;
    } else if (arg == "--follow") {
      parsed.follow = true;
    } else if (arg == "--plain") {
      parsed.plain = true;
    } else {
      return "unknown argument '" + arg + "'";
    }
  }
  if (!parsed.queue.empty() && !parsed.events_dir.empty()) return "give --events-dir or --queue, not both";
  if (parsed.events_dir.empty() && parsed.queue.empty())
    return "give the folder of event files with --events-dir DIR, or a queue with --queue URL";
  if (parsed.status_port >= 0) parsed.follow = true;  // a page is only worth it while following
  std::error_code error;
  if (parsed.queue.empty() && !parsed.follow && !std::filesystem::is_directory(parsed.events_dir, error))
    return "--events-dir " + parsed.events_dir + ": no such folder (the shards make it when they start; --follow waits for it)";
  return {};
}

// Every listed handle has an outcome (done, skipped or failed).
bool all_ended(const RunBoard& board, std::size_t listed) {
  if (listed == 0) return false;
  StateCounts counts = board.counts();
  return counts.queued == 0 && counts.running == 0;
}

}  // namespace

int status_command(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << status_usage;
      return exit_ok;
    }
  StatusArguments arguments;
  if (auto problem = parse_arguments(args, arguments); !problem.empty()) {
    std::cerr << "pipectl status: " << problem << " (see pipectl status --help)\n";
    return exit_usage;
  }

  std::optional<QueueAddress> address;
  std::optional<RedisQueue> queue;
  if (!arguments.queue.empty()) {
    std::string problem;
    address = parse_queue_url(arguments.queue, problem);
    if (!address) {
      std::cerr << "pipectl status: --queue " << problem << '\n';
      return exit_usage;
    }
    try {
      queue.emplace(*address, std::chrono::seconds(2), std::chrono::seconds(5));
    } catch (const QueueError& error) {
      std::cerr << "pipectl status: " << error.what() << '\n';
      return exit_usage;
    }
  }
  const std::string source_name = queue ? address->display() : arguments.events_dir;

  RunPlan plan;  // what the view and the summary read: the array's handles, date and zone
  plan.handles = arguments.handles.handles();
  plan.title = "pipectl status " + source_name;
  plan.live_view = arguments.follow && !arguments.plain && terminal_can_redraw();

  RunBoard board("", "", "", plan.handles);
  std::optional<StatusServer> server;
  if (!start_status_page(server, arguments.status_bind, arguments.status_port, board, "status")) return exit_usage;
  catch_interrupts();

  // Replaying what is already written prints nothing per event: only the live part is news.
  TerminalView view(plan, board, plan.live_view);
  EventsFolder folder(arguments.events_dir);
  std::string last_id = "0";    // the queue's events read so far
  std::size_t unreadable = 0;   // stream entries that are not events
  FleetCounts fleet;
  fleet.queue = source_name;
  // The queue's counts, and whether it is drained (nothing waiting or with a worker).
  auto read_fleet = [&]() {
    GroupInfo info = queue->group_info(address->stream, worker_group);
    fleet.queued = info.lag.value_or(0);
    fleet.pending = info.pending;
    fleet.dead = queue->length(dead_stream_of(address->stream));
    board.set_fleet(fleet);
    return fleet.queued == 0 && fleet.pending == 0;
  };
  auto read_new = [&]() {
    if (!queue) return folder.read_new();
    std::vector<boost::json::object> events;
    while (true) {
      auto entries = queue->read(events_stream_of(address->stream), last_id, 1000, std::chrono::milliseconds(0));
      for (const auto& entry : entries) {
        last_id = entry.id;
        auto found = entry.fields.find("event");
        boost::system::error_code error;
        boost::json::value value = found == entry.fields.end() ? boost::json::value() : boost::json::parse(found->second, error);
        if (error || !value.is_object() || text_of(value.get_object(), "event").empty()) {
          ++unreadable;
          continue;
        }
        events.push_back(std::move(value.get_object()));
      }
      if (entries.size() < 1000) return events;
    }
  };
  bool replayed = false;
  try {
    while (true) {
      for (const auto& event : read_new()) {
        const std::string handle = text_of(event, "handle");
        if (handle.empty()) continue;  // a worker's own news (the queue out of reach)
        std::size_t index = board.index_of(handle);
        board.apply(index, event);
        if (plan.date.empty() && text_of(event, "event") == "started") {
          plan.date = text_of(event, "date");
          plan.tz = text_of(event, "tz");
          board.describe_run(text_of(event, "graph"), plan.date, plan.tz);
        }
        if (replayed) view.on_event(index, event);
      }
      replayed = true;
      bool drained = queue ? read_fleet() && board.counts().running == 0 && board.handle_count() > 0
                           : all_ended(board, plan.handles.size());
      if (!arguments.follow || interrupted || drained) break;
      view.tick();
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  } catch (const QueueError& error) {
    std::cerr << "pipectl status: " << error.what() << '\n';
    return exit_usage;
  }
  board.set_over(interrupted);
  view.close();
  if (folder.unreadable() || unreadable)
    std::cerr << "pipectl status: " << folder.unreadable() + unreadable << " lines of the events in " << source_name
              << " were not events (skipped)\n";
  if (plan.date.empty()) plan.date = "no handle started yet";
  if (plan.tz.empty()) plan.tz = queue ? address->display() : std::to_string(folder.files()) + " event files";
  std::size_t failed = print_summary(plan, board, std::cout);
  StateCounts counts = board.counts();
  if (counts.queued || counts.running)
    std::cout << counts.running << " running, " << counts.queued << " not started yet\n";
  if (queue) {
    std::cout << "queue " << fleet.queue << ": " << fleet.queued << " waiting, " << fleet.pending
              << " with workers, " << fleet.dead << " dead-lettered\n";
    for (const auto& [worker, running] : board.running_per_worker())
      std::cout << "  " << worker << ": " << running << " running\n";
  }
  if (server) std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the page sees the end
  if (interrupted) return exit_interrupted;
  if (failed) return exit_handles_failed;
  const bool unfinished = counts.queued || counts.running || (queue && (fleet.queued || fleet.pending));
  return unfinished ? exit_unfinished : exit_ok;
}

}  // namespace pipectl::cli

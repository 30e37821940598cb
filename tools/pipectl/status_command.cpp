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
#include "run_board.hpp"
#include "status_server.hpp"
#include "supervisor.hpp"
#include "terminal_view.hpp"

namespace pipectl::cli {

namespace {

const char* status_usage = R"(Usage: pipectl status --events-dir DIR [--handles-file FILE] [--follow]
                      [--status-port P [--status-bind ADDR]] [--plain]

Merges the event files of every shard of a job array (pipectl run --shard writes
OUT/.pipectl/events/I-of-N.jsonl; any *.jsonl in DIR is read) into one view: each handle's
state, stage and progress, and the summary table.

  --events-dir DIR  the folder of event files, e.g. /shared/videos/.pipectl/events
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
cannot be read), 3 some handles are not finished yet, 130 interrupted.
)";

constexpr int exit_unfinished = 3;

struct StatusArguments {
  std::string events_dir;
  HandleList handles;
  bool follow = false;
  int status_port = -1;
  std::string status_bind = "127.0.0.1";
  bool plain = false;
};

std::string parse_arguments(const std::vector<std::string>& args, StatusArguments& parsed) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (auto dir = option_value(args, i, "--events-dir")) {
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
  if (parsed.events_dir.empty()) return "give the folder of event files with --events-dir DIR";
  if (parsed.status_port >= 0) parsed.follow = true;  // a page is only worth it while following
  std::error_code error;
  if (!parsed.follow && !std::filesystem::is_directory(parsed.events_dir, error))
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

  RunPlan plan;  // what the view and the summary read: the array's handles, date and zone
  plan.handles = arguments.handles.handles();
  plan.title = "pipectl status " + arguments.events_dir;
  plan.live_view = arguments.follow && !arguments.plain && terminal_can_redraw();

  RunBoard board("", "", "", plan.handles);
  std::optional<StatusServer> server;
  if (!start_status_page(server, arguments.status_bind, arguments.status_port, board, "status")) return exit_usage;
  catch_interrupts();

  // Replaying what is already written prints nothing per event: only the live part is news.
  TerminalView view(plan, board, plan.live_view);
  EventsFolder folder(arguments.events_dir);
  bool replayed = false;
  while (true) {
    for (const auto& event : folder.read_new()) {
      std::size_t index = board.index_of(text_of(event, "handle"));
      board.apply(index, event);
      if (plan.date.empty() && text_of(event, "event") == "started") {
        plan.date = text_of(event, "date");
        plan.tz = text_of(event, "tz");
        board.describe_run(text_of(event, "graph"), plan.date, plan.tz);
      }
      if (replayed) view.on_event(index, event);
    }
    replayed = true;
    if (!arguments.follow || interrupted || all_ended(board, plan.handles.size())) break;
    view.tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  board.set_over(interrupted);
  view.close();
  if (folder.unreadable())
    std::cerr << "pipectl status: " << folder.unreadable() << " lines of the event files in " << arguments.events_dir
              << " were not events (skipped)\n";
  if (plan.date.empty()) plan.date = "no handle started yet";
  if (plan.tz.empty()) plan.tz = std::to_string(folder.files()) + " event files";
  std::size_t failed = print_summary(plan, board, std::cout);
  StateCounts counts = board.counts();
  if (counts.queued || counts.running)
    std::cout << counts.running << " running, " << counts.queued << " not started yet\n";
  if (server) std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the page sees the end
  if (interrupted) return exit_interrupted;
  if (failed) return exit_handles_failed;
  return counts.queued || counts.running ? exit_unfinished : exit_ok;
}

}  // namespace pipectl::cli

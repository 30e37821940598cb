// pipectl: turns a social account's day into a video. This file only dispatches subcommands.

#include <csignal>
#include <iostream>

#include "commands.hpp"

extern "C" {
#include <libavutil/log.h>
}

namespace {

const char* usage = R"(pipectl - turns each handle's day of posts into an MP4 of cards

Usage:
  pipectl run GRAPH --handles a,b,c [--date YYYY-MM-DD] [--tz ZONE] [--out DIR]
  pipectl run GRAPH --handles-file FILE --shard auto --out /shared/videos   (one task of a job array)
  pipectl plan --shards N --handles-file FILE   which handles each shard of an array runs
  pipectl status --events-dir DIR   the progress of every shard of an array, merged
  pipectl enqueue --queue URL GRAPH --handles a,b   one job per handle onto a Redis Streams queue
  pipectl worker --queue URL --out DIR|s3://B/P     run the queue's jobs (as many workers as you like)
  pipectl status --queue URL   the whole fleet of workers: queued, running, done, failed
  pipectl check GRAPH          check a graph file and report every problem
  pipectl stages [NAME]        list the stages, or one stage's ports and parameters
  pipectl dot GRAPH            the graph as Graphviz DOT: pipectl dot GRAPH | dot -Tsvg > graph.svg
  pipectl contact-sheet        every sample card (all scripts and layouts) on one PNG
  pipectl COMMAND --help       help on one command
  pipectl --version

Example, on the bundled sample data:
  pipectl run graphs/demo.graph --handles orbit_daily,sakura_lab,noor_souk,deepfield-obs.bsky.social,lyra@skyhaven.example --out out/

run, check and dot take --set NODE.PARAM=VALUE (repeatable) to override a node's parameter;
run, check, stages and dot take --plugin FILE (repeatable) to load the stages of a plugin.

Environment:
  PIPECTL_PLUGIN_PATH  colon-separated plugin files and folders, loaded by every command

Exit codes: 0 success, 1 some handle failed (the others are done), 2 usage or graph error,
130 interrupted (unfinished videos removed).
)";

}  // namespace

int main(int argc, char** argv) {
  // FFmpeg prints its own complaints about bad images; pipectl reports them per post instead.
  av_log_set_level(AV_LOG_QUIET);  // mjpeg logs a corrupt file as "fatal"
  // Under a file size limit (`ulimit -f`, a batch system's cap), a write past it raises SIGXFSZ,
  // whose default kills the process before it can say which file or remove its temporary file.
  // Ignored, the write fails with EFBIG instead: the handle fails naming the file and the limit,
  // and the other handles go on. Handle processes inherit this through fork.
  std::signal(SIGXFSZ, SIG_IGN);

  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << usage;
    return args.empty() ? pipectl::cli::exit_usage : pipectl::cli::exit_ok;
  }
  if (args[0] == "--version") {
    std::cout << "pipectl " << PIPECTL_VERSION << '\n';
    return pipectl::cli::exit_ok;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "run") return pipectl::cli::run_command(args);
  if (command == "check") return pipectl::cli::check_command(args);
  if (command == "stages") return pipectl::cli::stages_command(args);
  if (command == "dot") return pipectl::cli::dot_command(args);
  if (command == "plan") return pipectl::cli::plan_command(args);
  if (command == "status") return pipectl::cli::status_command(args);
  if (command == "enqueue") return pipectl::cli::enqueue_command(args);
  if (command == "worker") return pipectl::cli::worker_command(args);
  if (command == "contact-sheet") return pipectl::cli::contact_sheet_command(args);
  std::cerr << "pipectl: unknown command '" << command << "' (commands: run, plan, status, enqueue, worker, check, stages, dot, contact-sheet; see pipectl --help)\n";
  return pipectl::cli::exit_usage;
}

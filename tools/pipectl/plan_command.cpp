// pipectl plan: how a handle list falls into the shards of a job array, for a person sizing
// one. It prints what each `pipectl run --shard I/N` would run, and the balance.
#include <cstdio>
#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "handle_list.hpp"
#include "shard.hpp"

namespace pipectl::cli {

namespace {

const char* plan_usage = R"(Usage: pipectl plan --shards N (--handles-file FILE | --handles a,b,c) [--counts]

Shows which handles each shard of N runs (pipectl run --shard I/N, or --shard auto in a Slurm
array or a Kubernetes Indexed Job), and how even the shards are. A handle's shard depends on
the handle alone: adding handles to the list moves no other handle.

  --shards N        the number of shards (tasks of the array), 1 to 100000
  --handles-file F  one handle per line ('#' comments, blank lines ignored); - for stdin
  --handles a,b,c   handles on the command line (both may be given)
  --counts          only the number of handles of each shard, not their names

Exit codes: 0 printed, 2 usage error or a bad handle list (FILE:LINE).
)";

// The handles of one shard, wrapped to lines of at most ~100 columns.
void print_wrapped(const std::vector<std::string>& handles, std::ostream& out) {
  std::size_t column = 0;
  for (const auto& handle : handles) {
    if (column > 0 && column + 1 + handle.size() > 100) {
      out << '\n';
      column = 0;
    }
    out << (column == 0 ? "  " : " ") << handle;
    column += (column == 0 ? 2 : 1) + handle.size();
  }
  if (column > 0) out << '\n';
}

}  // namespace

int plan_command(const std::vector<std::string>& args) {
  HandleList handles;
  std::optional<int> shards;
  bool counts_only = false;
  auto usage_error = [](const std::string& problem) {
    std::cerr << "pipectl plan: " << problem << " (see pipectl plan --help)\n";
    return exit_usage;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << plan_usage;
      return exit_ok;
    } else if (auto count = option_value(args, i, "--shards")) {
      shards = parse_count(*count, 1, static_cast<int>(max_shards));
      if (!shards) return usage_error("--shards '" + *count + "' is not a number from 1 to 100000");
    } else if (auto file = option_value(args, i, "--handles-file")) {
      if (file->empty()) return usage_error("--handles-file needs a file (- for standard input)");
      if (auto problem = handles.add_file(*file); !problem.empty()) return usage_error(problem);
    } else if (auto list = option_value(args, i, "--handles")) {
      if (auto problem = handles.add_commas(*list); !problem.empty()) return usage_error(problem);
    } else if (arg == "--counts") {
      counts_only = true;
    } else {
      return usage_error("unknown argument '" + arg + "'");
    }
  }
  if (!shards) return usage_error("give the number of shards with --shards N");
  if (handles.handles().empty()) return usage_error("give the handles with --handles-file FILE or --handles a,b,c");

  ShardPlan plan = plan_shards(handles.handles(), static_cast<std::uint32_t>(*shards));
  // A hash spreads handles as chance would: about sqrt(mean) either side of the mean.
  char balance[240];
  std::snprintf(balance, sizeof balance,
                "%zu handles over %d shards: %zu to %zu a shard (mean %.1f, standard deviation %.1f, "
                "largest - smallest = %.0f%% of the mean)\n",
                handles.handles().size(), *shards, plan.smallest, plan.largest, plan.mean, plan.deviation,
                100 * plan.spread());
  std::cout << balance;
  for (std::size_t index = 0; index < plan.shards.size(); ++index) {
    const auto& mine = plan.shards[index];
    std::cout << "shard " << index << "/" << *shards << ": " << mine.size() << (mine.size() == 1 ? " handle" : " handles")
              << '\n';
    if (!counts_only) print_wrapped(mine, std::cout);
  }
  return exit_ok;
}

}  // namespace pipectl::cli

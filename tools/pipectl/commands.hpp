// The pipectl subcommands. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace pipectl::cli {

// Exit codes scripts can rely on.
inline constexpr int exit_ok = 0;
inline constexpr int exit_handles_failed = 1;  // the run finished, but at least one handle has no video
inline constexpr int exit_usage = 2;           // bad command line or graph file: nothing ran
inline constexpr int exit_interrupted = 130;   // SIGINT/SIGTERM: stopped, no partial files left

int run_command(const std::vector<std::string>& args);
int check_command(const std::vector<std::string>& args);
int stages_command(const std::vector<std::string>& args);
int dot_command(const std::vector<std::string>& args);
int contact_sheet_command(const std::vector<std::string>& args);
int plan_command(const std::vector<std::string>& args);
int status_command(const std::vector<std::string>& args);
int enqueue_command(const std::vector<std::string>& args);
int worker_command(const std::vector<std::string>& args);

}  // namespace pipectl::cli
